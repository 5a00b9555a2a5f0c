using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Checks;

/// <summary>A status as an integration posts it; null means "not given".</summary>
public sealed record CommitStatusFields(string? State, string? TargetUrl, string? Description, string? Context);

/// <summary>GitHub's combined status of a commit: the latest status of each context and the state they add up to.</summary>
public sealed record CombinedCommitStatus(string Sha, string State, IReadOnlyList<CommitStatus> Latest);

/// <summary>
/// Commit statuses (<c>POST /statuses/{sha}</c>): stored per commit and context, the latest of each context counting, as on
/// GitHub. They count beside check runs wherever a commit's checks are combined (<see cref="CheckService.CombinedStatesAsync"/>).
/// </summary>
public sealed class CommitStatusService(AnvilDbContext db, CommitRefs refs, DomainEvents events, TimeProvider clock)
{
    /// <summary>GitHub's cap: at most this many statuses per commit and context.</summary>
    public const int MaxPerContext = 1000;

    public const string DefaultContext = "default";

    public async Task<CommitStatus> CreateAsync(Repository repo, string sha, CommitStatusFields fields, User creator, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(fields.State))
        {
            throw AnvilException.Invalid("Status", "state", "state is required");
        }
        if (!CommitStatusState.All.Contains(fields.State))
        {
            throw AnvilException.Invalid("Status", "state", $"state must be one of {string.Join(", ", CommitStatusState.All)}");
        }
        var context = string.IsNullOrWhiteSpace(fields.Context) ? DefaultContext : fields.Context.Trim();
        if (context.Length > 255)
        {
            throw AnvilException.Invalid("Status", "context", "context must be at most 255 characters");
        }
        if (fields.Description is { Length: > 1024 })
        {
            throw AnvilException.Invalid("Status", "description", "description must be at most 1024 characters");
        }
        if (fields.TargetUrl is { Length: > 0 } target
            && (target.Length > 2048 || !Uri.TryCreate(target, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
        {
            throw AnvilException.Invalid("Status", "target_url", "target_url must be an absolute http(s) URL");
        }
        var oid = GitInput.IsFullOid(sha.ToLowerInvariant()) || GitInput.IsAbbreviatedOid(sha.ToLowerInvariant())
            ? await refs.ResolveAsync(repo, sha, ct) : null;
        if (oid is null)
        {
            throw AnvilException.Invalid($"No commit found for SHA: {sha}");
        }
        if (await db.CommitStatuses.CountAsync(s => s.RepositoryId == repo.Id && s.Sha == oid && s.Context == context, ct) >= MaxPerContext)
        {
            throw AnvilException.Invalid($"This SHA and context has reached the maximum number of statuses ({MaxPerContext}).");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var status = new CommitStatus
        {
            RepositoryId = repo.Id, Sha = oid, State = fields.State, Context = context, CreatorId = creator.Id,
            Description = string.IsNullOrEmpty(fields.Description) ? null : fields.Description,
            TargetUrl = string.IsNullOrEmpty(fields.TargetUrl) ? null : fields.TargetUrl, CreatedAt = now, UpdatedAt = now,
        };
        db.CommitStatuses.Add(status);
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(new CommitStatusCreated(repo.Id, status.Id, creator.Id), ct);
        // The caller's account comes from the credential, not this context: shown, never saved through the status.
        db.Entry(status).State = EntityState.Detached;
        status.Creator = creator;
        return status;
    }

    /// <summary>Every status of the commit <paramref name="gitRef"/> (a sha, branch or tag) names, newest first.</summary>
    public async Task<(string Sha, Page<CommitStatus> Statuses)> ListAsync(Repository repo, string gitRef, int offset, int limit, CancellationToken ct)
    {
        var sha = await RequireCommitAsync(repo, gitRef, ct);
        var page = await db.CommitStatuses.AsNoTracking().Include(s => s.Creator).Where(s => s.RepositoryId == repo.Id && s.Sha == sha)
            .OrderByDescending(s => s.Id).ToPageAsync(offset, limit, ct);
        return (sha, page);
    }

    /// <summary>GitHub's combined status of the commit <paramref name="gitRef"/> names.</summary>
    public async Task<CombinedCommitStatus> CombinedAsync(Repository repo, string gitRef, CancellationToken ct)
    {
        var sha = await RequireCommitAsync(repo, gitRef, ct);
        var latest = (await LatestQuery(repo.Id, [sha]).Include(s => s.Creator).OrderBy(s => s.Context).ToListAsync(ct));
        return new CombinedCommitStatus(sha, CombinedState(latest.Select(s => s.State)), latest);
    }

    /// <summary>The latest status of each context on each of <paramref name="shas"/>: what counts, for combining with check runs.</summary>
    public async Task<List<(string Sha, string State)>> LatestStatesAsync(long repositoryId, IReadOnlyCollection<string> shas, CancellationToken ct) =>
        (await LatestQuery(repositoryId, shas).Select(s => new { s.Sha, s.State }).ToListAsync(ct)).Select(s => (s.Sha, s.State)).ToList();

    /// <summary>GitHub's rule: failure when any context errored or failed, pending when there is none or one is pending, else success.</summary>
    public static string CombinedState(IEnumerable<string> latestStates)
    {
        var states = latestStates.ToList();
        return states.Any(CommitStatusState.IsFailing) ? CommitStatusState.Failure
            : states.Count == 0 || states.Contains(CommitStatusState.Pending) ? CommitStatusState.Pending
            : CommitStatusState.Success;
    }

    private IQueryable<CommitStatus> LatestQuery(long repositoryId, IReadOnlyCollection<string> shas)
    {
        var wanted = shas.Distinct().ToList();
        return db.CommitStatuses.AsNoTracking().Where(s => s.RepositoryId == repositoryId && wanted.Contains(s.Sha)
            && !db.CommitStatuses.Any(n => n.RepositoryId == s.RepositoryId && n.Sha == s.Sha && n.Context == s.Context && n.Id > s.Id));
    }

    private async Task<string> RequireCommitAsync(Repository repo, string gitRef, CancellationToken ct) =>
        await refs.ResolveAsync(repo, gitRef, ct) ?? throw AnvilException.NotFound($"No commit found for SHA: {gitRef}");

}
