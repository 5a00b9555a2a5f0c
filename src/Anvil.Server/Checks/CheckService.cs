using System.Text.RegularExpressions;
using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Checks;

/// <summary>A check run's output; <paramref name="Annotations"/> are added to the run's (GitHub appends them on every update).</summary>
public sealed record CheckOutput(string? Title, string? Summary, string? Text, IReadOnlyList<CheckAnnotationInput>? Annotations = null);

/// <summary>A check run as an integration describes it; null means "not given".</summary>
public sealed record CheckRunFields(string? Name, string? Status, string? Conclusion, string? DetailsUrl, string? ExternalId,
    DateTime? StartedAt, DateTime? CompletedAt, CheckOutput? Output);

/// <summary>A suite with its runs rolled up by GitHub's rules.</summary>
public sealed record CheckSuiteState(CheckSuite Suite, string Status, string? Conclusion, int RunCount);

public enum CombinedCheckState
{
    /// <summary>No check runs and no commit statuses on the commit.</summary>
    None,
    Pending,
    Success,
    Failure,
}

/// <summary>What the checks say about a commit, for the pull-request merge box and status badges.</summary>
public sealed record CommitChecks(CombinedCheckState State, int Total, int Pending, int Succeeded, int Failed);

/// <summary>Check runs and suites: created by integrations through the API and by Actions for each job.</summary>
public sealed partial class CheckService(AnvilDbContext db, RepositoryStore store, DomainEvents events, TimeProvider clock, CommitStatusService statuses,
    CommitRefs refs)
{
    public const int MaxSummaryChars = 64 * 1024;
    public const int MaxTextChars = 256 * 1024;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    [GeneratedRegex("^(?:[0-9a-f]{40}|[0-9a-f]{64})$")]
    private static partial Regex FullSha();

    /// <summary>
    /// Creates a check run, or returns the existing one with the same external id, head sha and name.
    /// <paramref name="senderId"/> is who caused it, for the <c>check_run</c> webhook.
    /// </summary>
    public async Task<CheckRun> CreateAsync(Repository repo, string? headSha, CheckRunFields fields, CheckApp app, string? headBranch, long? senderId,
        CancellationToken ct)
    {
        var name = fields.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw AnvilException.Invalid("name is required");
        }
        if (name.Length > 255)
        {
            throw AnvilException.Invalid("name must be at most 255 characters");
        }
        var sha = await RequireCommitAsync(repo, headSha, ct);
        if (fields.ExternalId is { } externalId && await FindByExternalIdAsync(repo.Id, sha, name, externalId, ct) is { } existing)
        {
            return existing;
        }
        var run = new CheckRun { RepositoryId = repo.Id, HeadSha = sha, Name = name, Status = CheckStatus.Queued, CreatedAt = Now, UpdatedAt = Now };
        var annotations = Apply(run, fields with { Name = null });
        var suite = await SuiteAsync(repo.Id, sha, app, headBranch, ct);
        run.SuiteId = suite.Id;
        run.Suite = suite;
        // Inside the caller's transaction if there is one (a workflow run and its checks commit together), else in our own:
        // either way the events commit with the run.
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.CheckRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (fields.ExternalId is not null)
        {
            db.Entry(run).State = EntityState.Detached; // a concurrent create with the same external id won
            if (own is not null)
            {
                await own.RollbackAsync(CancellationToken.None);
            }
            return await FindByExternalIdAsync(repo.Id, sha, name, fields.ExternalId, ct) ?? throw new InvalidOperationException("check run vanished");
        }
        if (annotations.Count > 0)
        {
            annotations.ForEach(a => a.CheckRunId = run.Id);
            db.CheckRunAnnotations.AddRange(annotations);
            await db.SaveChangesAsync(ct);
        }
        await events.PublishAsync(new CheckRunCreated(repo.Id, run, senderId), ct);
        // GitHub follows `created` with `completed` for a run that is created already finished.
        if (run.Status == CheckStatus.Completed)
        {
            await events.PublishAsync(new CheckRunCompleted(repo.Id, run, senderId), ct);
        }
        if (own is not null)
        {
            await events.CommitAsync(own, ct);
        }
        return run;
    }

    public async Task<CheckRun> UpdateAsync(long repositoryId, long id, CheckRunFields fields, long? senderId, CancellationToken ct)
    {
        var run = await db.CheckRuns.Include(r => r.Suite).FirstOrDefaultAsync(r => r.Id == id && r.RepositoryId == repositoryId, ct) ?? throw NotFound();
        if (fields.Name is not null)
        {
            var name = fields.Name.Trim();
            if (name.Length is 0 or > 255)
            {
                throw AnvilException.Invalid("name must be 1 to 255 characters");
            }
            run.Name = name;
        }
        var wasCompleted = run.Status == CheckStatus.Completed;
        var annotations = Apply(run, fields with { Name = null });
        annotations.ForEach(a => a.CheckRunId = run.Id);
        db.CheckRunAnnotations.AddRange(annotations);
        run.UpdatedAt = Now;
        run.Suite.UpdatedAt = Now;
        if (wasCompleted || run.Status != CheckStatus.Completed)
        {
            await db.SaveChangesAsync(ct);
            return run;
        }
        // Completing is a compare-and-swap on the stored status, so of two concurrent completions one sends `completed`.
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var claimed = await db.CheckRuns.Where(r => r.Id == run.Id && r.Status != CheckStatus.Completed)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, CheckStatus.Completed), ct);
        await db.SaveChangesAsync(ct);
        if (claimed == 1)
        {
            await events.PublishAsync(new CheckRunCompleted(repositoryId, run, senderId), ct);
        }
        if (own is not null)
        {
            await events.CommitAsync(own, ct);
        }
        return run;
    }

    public async Task<CheckRun> GetAsync(long repositoryId, long id, CancellationToken ct) =>
        await db.CheckRuns.AsNoTracking().Include(r => r.Suite).FirstOrDefaultAsync(r => r.Id == id && r.RepositoryId == repositoryId, ct) ?? throw NotFound();

    /// <summary>
    /// Runs on the commit <paramref name="gitRef"/> names (a sha, branch or tag), newest first; <paramref name="checkName"/> and
    /// <paramref name="status"/> filter as on GitHub.
    /// </summary>
    public async Task<Page<CheckRun>> ListForCommitAsync(Repository repo, string gitRef, string? checkName, string? status, int offset, int limit, CancellationToken ct)
    {
        var resolved = await refs.ResolveAsync(repo, gitRef, ct) ?? throw AnvilException.NotFound("commit not found");
        return await ListForResolvedCommitAsync(repo, resolved, checkName, status, offset, limit, ct);
    }

    /// <summary>
    /// As <see cref="ListForCommitAsync"/> for the full sha of a commit the caller already knows is in the repository (one it
    /// resolved, or a pull request's recorded head): no git process. A sha that is no commit here has no runs.
    /// </summary>
    public async Task<Page<CheckRun>> ListForResolvedCommitAsync(Repository repo, string resolved, string? checkName, string? status, int offset, int limit,
        CancellationToken ct)
    {
        return await ListAsync(db.CheckRuns.Where(r => r.RepositoryId == repo.Id && r.HeadSha == resolved), checkName, status, offset, limit, ct);
    }

    /// <summary>The runs of one check suite of the repository, newest first, filtered as <see cref="ListForCommitAsync"/>.</summary>
    public async Task<Page<CheckRun>> ListForSuiteAsync(Repository repo, long suiteId, string? checkName, string? status, int offset, int limit, CancellationToken ct)
    {
        if (!await db.CheckSuites.AnyAsync(s => s.Id == suiteId && s.RepositoryId == repo.Id, ct))
        {
            throw AnvilException.NotFound("check suite not found");
        }
        return await ListAsync(db.CheckRuns.Where(r => r.RepositoryId == repo.Id && r.SuiteId == suiteId), checkName, status, offset, limit, ct);
    }

    private static async Task<Page<CheckRun>> ListAsync(IQueryable<CheckRun> runs, string? checkName, string? status, int offset, int limit, CancellationToken ct)
    {
        if (status is not null && !CheckStatus.All.Contains(status))
        {
            throw AnvilException.Invalid($"status must be one of {string.Join(", ", CheckStatus.All)}");
        }
        IQueryable<CheckRun> query = runs.AsNoTracking().Include(r => r.Suite);
        if (!string.IsNullOrEmpty(checkName))
        {
            query = query.Where(r => r.Name == checkName);
        }
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        return await query.OrderByDescending(r => r.Id).ToPageAsync(offset, limit, ct);
    }

    /// <summary>The check suites of the commit <paramref name="gitRef"/> names (a sha, branch or tag).</summary>
    public async Task<List<CheckSuiteState>> SuitesForCommitAsync(Repository repo, string gitRef, CancellationToken ct)
    {
        var resolved = await refs.ResolveAsync(repo, gitRef, ct) ?? throw AnvilException.NotFound("commit not found");
        var suites = await db.CheckSuites.AsNoTracking().Where(s => s.RepositoryId == repo.Id && s.HeadSha == resolved).OrderBy(s => s.Id).ToListAsync(ct);
        return await RollUpAsync(suites, ct);
    }

    /// <summary>One suite of a repository, rolled up; null when there is no such suite.</summary>
    public async Task<CheckSuiteState?> SuiteStateAsync(long repositoryId, long suiteId, CancellationToken ct)
    {
        var suite = await db.CheckSuites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == suiteId && s.RepositoryId == repositoryId, ct);
        return suite is null ? null : (await RollUpAsync([suite], ct))[0];
    }

    /// <summary>
    /// The open pull requests of <paramref name="repo"/> whose head is each of <paramref name="shas"/>: what a check run
    /// or suite on that commit lists as its <c>pull_requests</c>, as on GitHub.
    /// </summary>
    public async Task<Dictionary<string, List<CheckViews.PullRequestRef>>> PullRequestsAsync(Repository repo, string baseUrl,
        IReadOnlyCollection<string> shas, CancellationToken ct)
    {
        var wanted = shas.Distinct().ToList();
        var prs = await db.PullRequests.AsNoTracking()
            .Where(p => p.RepositoryId == repo.Id && wanted.Contains(p.HeadOid) && p.Issue.State == Issues.IssueState.Open)
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, p.Issue.Number, p.HeadOid, p.HeadBranch, p.BaseBranch, p.BaseOid, HeadRepo = p.HeadRepository,
                HeadOwner = p.HeadRepository == null ? null : p.HeadRepository.Owner.Username })
            .ToListAsync(ct);
        var api = $"{baseUrl}/api/v1/repos";
        CheckViews.RepoRef Ref(Repository r, string owner) => new(r.Id, $"{api}/{owner}/{r.Name}", r.Name);
        return wanted.ToDictionary(sha => sha, sha => prs.Where(p => p.HeadOid == sha).Select(p => new CheckViews.PullRequestRef(
            $"{api}/{repo.Owner.Username}/{repo.Name}/pulls/{p.Number}", p.Id, p.Number,
            new CheckViews.BranchRef(p.HeadBranch, p.HeadOid, p.HeadRepo is { } h ? Ref(h, p.HeadOwner!) : null),
            new CheckViews.BranchRef(p.BaseBranch, p.BaseOid, Ref(repo, repo.Owner.Username)))).ToList());
    }

    private async Task<List<CheckSuiteState>> RollUpAsync(List<CheckSuite> suites, CancellationToken ct)
    {
        var suiteIds = suites.Select(s => s.Id).ToList();
        var runs = await db.CheckRuns.AsNoTracking().Where(r => suiteIds.Contains(r.SuiteId))
            .Select(r => new { r.SuiteId, r.Status, r.Conclusion }).ToListAsync(ct);
        return suites.Select(s =>
        {
            var mine = runs.Where(r => r.SuiteId == s.Id).Select(r => (r.Status, r.Conclusion)).ToList();
            var (status, conclusion) = Rollup(mine);
            return new CheckSuiteState(s, status, conclusion, mine.Count);
        }).ToList();
    }

    /// <summary>
    /// The combined state of every check run and of each context's latest commit status on a commit (the pull-request
    /// feature's merge box asks here): pending while any run is unfinished or a status pending, failure when any run
    /// concluded badly or a status failed or errored, else success.
    /// </summary>
    public async Task<CommitChecks> CombinedStateAsync(long repositoryId, string sha, CancellationToken ct) =>
        (await CombinedStatesAsync(repositoryId, [sha], ct))[sha];

    /// <summary>The combined state of each of several commits of one repository, in one query (a page of pull requests).</summary>
    public async Task<Dictionary<string, CommitChecks>> CombinedStatesAsync(long repositoryId, IReadOnlyCollection<string> shas, CancellationToken ct)
    {
        var wanted = shas.Distinct().ToList();
        var runs = await db.CheckRuns.AsNoTracking().Where(r => r.RepositoryId == repositoryId && wanted.Contains(r.HeadSha))
            .Select(r => new { r.HeadSha, r.Status, r.Conclusion }).ToListAsync(ct);
        var latestStatuses = await statuses.LatestStatesAsync(repositoryId, wanted, ct);
        return wanted.ToDictionary(sha => sha, sha =>
        {
            var mine = runs.Where(r => r.HeadSha == sha).ToList();
            var mineStatuses = latestStatuses.Where(s => s.Sha == sha).Select(s => s.State).ToList();
            var total = mine.Count + mineStatuses.Count;
            var pending = mine.Count(r => r.Status != CheckStatus.Completed) + mineStatuses.Count(s => s == CommitStatusState.Pending);
            var failed = mine.Count(r => r.Status == CheckStatus.Completed && CheckConclusion.IsFailing(r.Conclusion))
                + mineStatuses.Count(CommitStatusState.IsFailing);
            var state = total == 0 ? CombinedCheckState.None
                : pending > 0 ? CombinedCheckState.Pending
                : failed > 0 ? CombinedCheckState.Failure
                : CombinedCheckState.Success;
            return new CommitChecks(state, total, pending, total - pending - failed, failed);
        });
    }

    /// <summary>GitHub's roll-up: all queued → queued; all completed → completed with the worst conclusion; otherwise in progress.</summary>
    public static (string Status, string? Conclusion) Rollup(IReadOnlyCollection<(string Status, string? Conclusion)> runs)
    {
        if (runs.Count == 0 || runs.All(r => r.Status == CheckStatus.Queued))
        {
            return (CheckStatus.Queued, null);
        }
        if (runs.All(r => r.Status == CheckStatus.Completed))
        {
            return (CheckStatus.Completed, runs.MaxBy(r => CheckConclusion.Severity(r.Conclusion)).Conclusion);
        }
        return (CheckStatus.InProgress, null);
    }

    /// <summary>The full sha of <paramref name="sha"/> when it names a commit of the repository; null otherwise.</summary>
    public async Task<string?> ResolveCommitAsync(Repository repo, string? sha, CancellationToken ct)
    {
        var candidate = sha?.Trim().ToLowerInvariant();
        if (candidate is null || !FullSha().IsMatch(candidate))
        {
            return null;
        }
        return await store.Open(repo).HasCommitAsync(candidate, ct) ? candidate : null;
    }

    private async Task<string> RequireCommitAsync(Repository repo, string? sha, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(sha))
        {
            throw AnvilException.Invalid("head_sha is required");
        }
        return await ResolveCommitAsync(repo, sha, ct) ?? throw AnvilException.Invalid("head_sha must be the full sha of a commit in this repository");
    }

    private Task<CheckRun?> FindByExternalIdAsync(long repositoryId, string sha, string name, string externalId, CancellationToken ct) =>
        db.CheckRuns.Include(r => r.Suite)
            .FirstOrDefaultAsync(r => r.RepositoryId == repositoryId && r.HeadSha == sha && r.Name == name && r.ExternalId == externalId, ct);

    private async Task<CheckSuite> SuiteAsync(long repositoryId, string sha, CheckApp app, string? headBranch, CancellationToken ct)
    {
        var suite = await db.CheckSuites.FirstOrDefaultAsync(s => s.RepositoryId == repositoryId && s.HeadSha == sha && s.App == app.Slug, ct);
        if (suite is not null)
        {
            suite.HeadBranch ??= headBranch;
            suite.UpdatedAt = Now;
            return suite;
        }
        suite = new CheckSuite { RepositoryId = repositoryId, HeadSha = sha, App = app.Slug, HeadBranch = headBranch, CreatedAt = Now, UpdatedAt = Now };
        db.CheckSuites.Add(suite);
        try
        {
            await db.SaveChangesAsync(ct);
            return suite;
        }
        catch (DbUpdateException)
        {
            // Two first runs on one commit raced to create the suite: use the winner's.
            db.Entry(suite).State = EntityState.Detached;
            return await db.CheckSuites.FirstAsync(s => s.RepositoryId == repositoryId && s.HeadSha == sha && s.App == app.Slug, ct);
        }
    }

    /// <summary>
    /// Validates and applies the given fields; the result is checked as a whole so no half-valid run is stored. Returns the
    /// output's annotations, counted on the run, for the caller to store with it.
    /// </summary>
    private List<CheckRunAnnotation> Apply(CheckRun run, CheckRunFields f)
    {
        var annotations = ValidateAnnotations(f.Output?.Annotations);
        if (f.Status is not null && !CheckStatus.All.Contains(f.Status))
        {
            throw AnvilException.Invalid($"status must be one of {string.Join(", ", CheckStatus.All)}");
        }
        if (f.Conclusion is not null && !CheckConclusion.All.Contains(f.Conclusion))
        {
            throw AnvilException.Invalid($"conclusion must be one of {string.Join(", ", CheckConclusion.All)}");
        }
        if (f.Conclusion is not null && f.Status is CheckStatus.Queued or CheckStatus.InProgress)
        {
            throw AnvilException.Invalid("conclusion can only be given with status completed");
        }
        // As on GitHub, giving a conclusion completes the run.
        var status = f.Conclusion is not null ? CheckStatus.Completed : f.Status ?? run.Status;
        var conclusion = status == CheckStatus.Completed ? f.Conclusion ?? run.Conclusion : null;
        if (status == CheckStatus.Completed && conclusion is null)
        {
            throw AnvilException.Invalid("conclusion is required when status is completed");
        }
        if (f.DetailsUrl is not null && (f.DetailsUrl.Length > 2048 || !Uri.TryCreate(f.DetailsUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
        {
            throw AnvilException.Invalid("details_url must be an absolute http(s) URL");
        }
        if (f.ExternalId is { Length: > 255 })
        {
            throw AnvilException.Invalid("external_id must be at most 255 characters");
        }
        if (f.Output is { } o)
        {
            if (string.IsNullOrWhiteSpace(o.Title) || o.Summary is null)
            {
                throw AnvilException.Invalid("output needs a title and a summary");
            }
            if (o.Title.Length > 1024)
            {
                throw AnvilException.Invalid("output.title must be at most 1024 characters");
            }
            if (o.Summary.Length > MaxSummaryChars)
            {
                throw AnvilException.Invalid($"output.summary must be at most {MaxSummaryChars} characters");
            }
            if (o.Text is { Length: > MaxTextChars })
            {
                throw AnvilException.Invalid($"output.text must be at most {MaxTextChars} characters");
            }
        }
        var startedAt = f.StartedAt ?? run.StartedAt;
        DateTime? completedAt = status == CheckStatus.Completed ? f.CompletedAt ?? run.CompletedAt ?? Now : null;
        if (status != CheckStatus.Queued)
        {
            startedAt ??= completedAt ?? Now;
        }
        if (startedAt is not null && completedAt is not null && completedAt < startedAt)
        {
            throw AnvilException.Invalid("completed_at must not be before started_at");
        }

        run.Status = status;
        run.Conclusion = conclusion;
        run.StartedAt = startedAt;
        run.CompletedAt = completedAt;
        run.DetailsUrl = f.DetailsUrl ?? run.DetailsUrl;
        run.ExternalId = f.ExternalId ?? run.ExternalId;
        if (f.Output is { } output)
        {
            (run.OutputTitle, run.OutputSummary, run.OutputText) = (output.Title, output.Summary, output.Text);
        }
        run.AnnotationsCount += annotations.Count;
        return annotations;
    }

    private static AnvilException NotFound() => AnvilException.NotFound("check run not found");
}
