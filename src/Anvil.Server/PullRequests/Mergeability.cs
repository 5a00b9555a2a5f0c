using System.Threading.Channels;
using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>Wakes this process's mergeability worker.</summary>
public sealed class MergeabilitySignal : WorkerSignal;

/// <summary>
/// Asks for mergeability checks. The request is a durable flag on the row (<see cref="PullRequest.MergeCheckPending"/>),
/// so no check is lost to a restart; <see cref="PullRequest.Mergeable"/> reads null until the check is done.
/// </summary>
public sealed class MergeabilityQueue(AnvilDbContext db, MergeabilitySignal signal)
{
    public async Task RequestAsync(IReadOnlyCollection<long> pullRequestIds, CancellationToken ct)
    {
        if (pullRequestIds.Count == 0)
        {
            return;
        }
        var ids = pullRequestIds.ToList();
        await db.PullRequests.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Mergeable, (bool?)null)
            .SetProperty(p => p.MergeCheckPending, true)
            .SetProperty(p => p.MergeCheckVersion, p => p.MergeCheckVersion + 1), ct);
        signal.Notify();
    }

    public void Signal() => signal.Notify();
}

/// <summary>
/// Computes one pull request's mergeability with <c>git merge-tree --write-tree</c> in the base repository (no work tree),
/// plus its commit and diff counts, and stores the result unless a newer check was asked for meanwhile.
/// </summary>
public sealed class MergeabilityChecker(AnvilDbContext db, RepositoryStore store, GitReader reader)
{
    private static readonly DiffLimits CountsOnly = new(MaxFiles: 1, MaxPatchBytes: 1, MaxLinesPerFile: 1);

    public async Task CheckAsync(long pullRequestId, CancellationToken ct)
    {
        var pr = await db.PullRequests.AsNoTracking().Include(p => p.Issue).FirstOrDefaultAsync(p => p.Id == pullRequestId, ct);
        if (pr is null || !pr.MergeCheckPending)
        {
            return;
        }
        var version = pr.MergeCheckVersion;
        var repo = await db.Repositories.AsNoTracking().FirstAsync(r => r.Id == pr.RepositoryId, ct);
        var git = store.Open(repo);
        var gitDir = git.GitDir;

        bool? mergeable = pr.Mergeable;
        var conflicts = "";
        var (baseOid, mergeBase) = (pr.BaseOid, pr.MergeBaseOid);
        var (commits, additions, deletions, files) = (pr.CommitCount, pr.Additions, pr.Deletions, pr.ChangedFiles);
        if (pr.Issue.State == IssueState.Open)
        {
            var tip = await git.ResolveRefAsync(RefNames.Branch(pr.BaseBranch), ct);
            if (tip is null || pr.HeadBranchDeleted)
            {
                mergeable = false;
            }
            else
            {
                var analysis = await Merger.AnalyzeAsync(gitDir, tip, pr.HeadOid, ct);
                baseOid = tip;
                mergeable = analysis.CanMerge;
                conflicts = string.Join('\n', analysis.ConflictingPaths);
                mergeBase = analysis.MergeBaseOid ?? mergeBase;
                if (analysis.MergeBaseOid is { } from)
                {
                    commits = (await reader.GetRangeAsync(gitDir, from, pr.HeadOid, int.MaxValue, ct)).Count;
                    if (await reader.GetDiffAsync(gitDir, from, pr.HeadOid, CountsOnly, ct) is { } diff)
                    {
                        (additions, deletions, files) = (diff.Additions, diff.Deletions, diff.FilesChanged);
                    }
                }
            }
        }
        await db.PullRequests.Where(p => p.Id == pullRequestId && p.MergeCheckVersion == version).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Mergeable, mergeable)
            .SetProperty(p => p.ConflictingPaths, conflicts)
            .SetProperty(p => p.BaseOid, p => p.MergedAt == null ? baseOid : p.BaseOid)
            .SetProperty(p => p.MergeBaseOid, p => p.MergedAt == null ? mergeBase : p.MergeBaseOid)
            .SetProperty(p => p.CommitCount, commits)
            .SetProperty(p => p.Additions, additions)
            .SetProperty(p => p.Deletions, deletions)
            .SetProperty(p => p.ChangedFiles, files)
            .SetProperty(p => p.MergeCheckPending, false), ct);
    }
}

/// <summary>Runs pending mergeability checks: at start (work a previous run left), when signalled, and every few seconds.</summary>
public sealed class MergeabilityWorker(IServiceScopeFactory scopes, MergeabilitySignal signal, ILogger<MergeabilityWorker> log) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "mergeability checks failed");
            }
            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunPendingAsync(CancellationToken ct)
    {
        var failed = new HashSet<long>();
        while (true)
        {
            List<long> pending;
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
                pending = await db.PullRequests.Where(p => p.MergeCheckPending).OrderBy(p => p.Id).Select(p => p.Id).Take(100).ToListAsync(ct);
            }
            pending.RemoveAll(failed.Contains);
            if (pending.Count == 0)
            {
                return;
            }
            foreach (var id in pending)
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<MergeabilityChecker>().CheckAsync(id, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Left pending: the next round (or another node) tries again.
                    failed.Add(id);
                    log.LogWarning(e, "mergeability check of pull request {Id} failed", id);
                }
            }
        }
    }
}

/// <summary>
/// A push (or branch creation/deletion, or a merge) moved refs: pull requests whose head moved follow it (fetching from a
/// fork into the base repository), those whose base now contains their head are merged (merged on the command line and
/// pushed, as GitHub notices), and every other open pull request whose base or head moved gets its mergeability rechecked.
/// </summary>
public sealed class PullRequestPushHandler(AnvilDbContext db, PullRequestService pulls, PullRequestMerger merger, MergeabilityQueue mergeability)
    : IDomainEventHandler<RepositoryPushed>
{
    public async Task HandleAsync(RepositoryPushed evt, CancellationToken ct)
    {
        var branches = evt.Changes.Select(c => RefNames.BranchOf(c.RefName)).OfType<string>().Distinct().ToList();
        if (branches.Count == 0)
        {
            return;
        }
        var repoId = evt.Repository.Id;
        var open = db.PullRequests.Where(p => p.Issue.State == IssueState.Open);
        var heads = await open.Where(p => p.HeadRepositoryId == repoId && branches.Contains(p.HeadBranch))
            .Select(p => new { p.Id, p.RepositoryId }).ToListAsync(ct);
        var bases = await open.Where(p => p.RepositoryId == repoId && branches.Contains(p.BaseBranch)).Select(p => p.Id).ToListAsync(ct);
        foreach (var head in heads)
        {
            var baseRepo = head.RepositoryId == repoId
                ? evt.Repository
                : await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Id == head.RepositoryId, ct);
            await pulls.RefreshHeadAsync(baseRepo, head.Id, evt.Pusher, ct);
        }
        // Heads first: a push that moves both a head and its base (or deletes the merged head) is judged on the latest head.
        var merged = new HashSet<long>();
        foreach (var change in evt.Changes.Where(c => !c.IsDelete))
        {
            if (RefNames.BranchOf(change.RefName) is not { } branch)
            {
                continue;
            }
            var onBranch = await open.Where(p => p.RepositoryId == repoId && p.BaseBranch == branch).Select(p => p.Id).ToListAsync(ct);
            foreach (var id in onBranch)
            {
                if (await merger.DetectMergeByPushAsync(evt.Repository, id, change, evt.Pusher, ct))
                {
                    merged.Add(id);
                }
            }
        }
        await mergeability.RequestAsync(heads.Select(h => h.Id).Concat(bases).Distinct().Where(id => !merged.Contains(id)).ToList(), ct);
    }
}
