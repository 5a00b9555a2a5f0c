using System.Text;
using System.Text.Json;
using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>What the runner receives for a job: its environment and steps (stored as <see cref="WorkflowJob.Spec"/>).</summary>
public sealed record JobSpec(Dictionary<string, string> Env, List<JobSpec.Step> Steps)
{
    public sealed record Step(int Number, string Name, string? Run, string? Uses, Dictionary<string, string> Env, string? WorkingDirectory,
        Dictionary<string, string> With);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// Turns events into workflow runs and moves runs forward: queues jobs whose needs are done (or
/// skips them), completes runs, cancels and re-runs. Every transition is a compare-and-swap on the
/// row's status, so any node, the request that finished a job or the background sweep, may do it.
/// </summary>
public sealed class WorkflowService(AnvilDbContext db, RepositoryStore store, GitReader reader, CheckService checks, DomainEvents events, ActionsSignal signal,
    JobLogArchive logs, ArtifactStore artifacts, WorkflowCatalog catalog, TimeProvider clock, ILogger<WorkflowService> log)
{
    public static readonly string[] WorkflowDirs = [".anvil/workflows", ".github/workflows"];
    private const long MaxWorkflowBytes = 512 * 1024;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Queues the push workflows of every branch or tag a push moved.</summary>
    public async Task OnPushAsync(Repository repo, User pusher, IReadOnlyList<RefChange> changes, CancellationToken ct)
    {
        foreach (var change in changes.Where(c => c.NewOid.Trim('0').Length > 0))
        {
            await QueueAsync(repo, change.NewOid, change.RefName, "push", pusher.Id, t => t.Push?.Matches(change.RefName) == true, null, ct);
        }
    }

    /// <summary>
    /// Queues the <c>pull_request</c> workflows of a pull request's head commit (opened or synchronized);
    /// the branch filters match the base branch, as on GitHub. Workflows are read from the head commit.
    /// </summary>
    public Task<List<WorkflowRun>> OnPullRequestAsync(Repository baseRepo, int number, string headSha, string baseBranch, long actorId, CancellationToken ct) =>
        QueueAsync(baseRepo, headSha, $"refs/pull/{number}/head", "pull_request", actorId,
            t => t.PullRequest?.Matches(RefNames.Branch(baseBranch)) == true, null, ct);

    /// <summary>Runs the workflow <paramref name="file"/> (a name in a workflow directory, or its path) on <paramref name="gitRef"/>.</summary>
    public async Task<WorkflowRun> DispatchAsync(Repository repo, string file, string? gitRef, long actorId, CancellationToken ct)
    {
        if (file.All(char.IsAsciiDigit))
        {
            file = (await catalog.FindAsync(repo.Id, file, ct)).Path; // GitHub's workflow_id
        }
        var gitDir = store.Open(repo).GitDir;
        var refName = string.IsNullOrWhiteSpace(gitRef) ? repo.DefaultBranch : gitRef.Trim();
        var fullRef = refName.StartsWith("refs/", StringComparison.Ordinal) ? refName : RefNames.Branch(refName);
        var sha = await reader.ResolveAsync(gitDir, fullRef, ct) ?? (refName.StartsWith("refs/", StringComparison.Ordinal) ? null : await reader.ResolveAsync(gitDir, RefNames.Tag(refName), ct));
        if (sha is null)
        {
            throw AnvilException.Invalid($"no ref named '{refName}'");
        }
        if (await reader.ResolveAsync(gitDir, RefNames.Tag(refName), ct) is not null && await reader.ResolveAsync(gitDir, fullRef, ct) is null)
        {
            fullRef = RefNames.Tag(refName);
        }
        var files = await WorkflowFilesAsync(gitDir, sha, ct);
        var path = files.FirstOrDefault(f => f == file || f.EndsWith("/" + file, StringComparison.Ordinal))
            ?? throw AnvilException.NotFound($"workflow '{file}' not found on {refName}");
        var content = await ReadAsync(gitDir, sha, path, ct);
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowParser.Parse(content, Path.GetFileName(path));
        }
        catch (WorkflowException e)
        {
            throw AnvilException.Invalid($"{path}: {e.Message}");
        }
        if (!definition.On.Dispatch)
        {
            throw AnvilException.Invalid("the workflow has no workflow_dispatch trigger");
        }
        return await CreateRunAsync(repo, path, definition, null, sha, fullRef, "workflow_dispatch", actorId, ct);
    }

    private async Task<List<WorkflowRun>> QueueAsync(Repository repo, string sha, string fullRef, string eventName, long? actorId,
        Func<WorkflowTriggers, bool> matches, string? onlyPath, CancellationToken ct)
    {
        var gitDir = store.Open(repo).GitDir;
        var runs = new List<WorkflowRun>();
        var effect = events.NextEffectKey();
        var files = await WorkflowFilesAsync(gitDir, sha, ct);
        // What the default branch holds is the repository's list of workflows (GitHub's GET …/actions/workflows).
        var catalogues = eventName == "push" && fullRef == RefNames.Branch(repo.DefaultBranch);
        if (catalogues)
        {
            await catalog.MarkDeletedExceptAsync(repo.Id, files, ct);
        }
        foreach (var path in files)
        {
            var effectKey = effect is null ? null : $"{effect}:{path}";
            if (events.Replaying && await db.WorkflowRuns.AnyAsync(r => r.EffectKey == effectKey, ct))
            {
                continue; // queued by this event's first dispatch, before a crash
            }
            WorkflowDefinition? definition = null;
            string? error = null;
            try
            {
                definition = WorkflowParser.Parse(await ReadAsync(gitDir, sha, path, ct), Path.GetFileName(path));
            }
            catch (WorkflowException e)
            {
                error = e.Message;
            }
            if (catalogues)
            {
                await catalog.EnsureAsync(repo.Id, path, WorkflowName(definition, path), onDefaultBranch: true, ct);
            }
            if (definition is not null && !matches(definition.On))
            {
                continue;
            }
            runs.Add(await CreateRunAsync(repo, path, definition, error, sha, fullRef, eventName, actorId, ct, effectKey));
        }
        return runs;
    }

    private async Task<List<string>> WorkflowFilesAsync(string gitDir, string sha, CancellationToken ct)
    {
        var files = new List<string>();
        foreach (var dir in WorkflowDirs)
        {
            var entries = await reader.GetTreeAsync(gitDir, sha, dir, ct);
            files.AddRange((entries ?? []).Where(e => e.Kind == GitTreeEntryKind.Blob && (e.Name.EndsWith(".yml") || e.Name.EndsWith(".yaml")))
                .Select(e => $"{dir}/{e.Name}").Order(StringComparer.Ordinal));
        }
        return files;
    }

    private async Task<string> ReadAsync(string gitDir, string sha, string path, CancellationToken ct)
    {
        var file = await reader.GetFileAsync(gitDir, sha, path, MaxWorkflowBytes, ct);
        if (file?.Content is null || file.IsTooLarge)
        {
            throw new WorkflowException("the workflow file is too large");
        }
        return Encoding.UTF8.GetString(file.Content);
    }

    /// <summary>Stores a run with its jobs, steps and one check run per job; an unusable workflow becomes a failed run saying why.</summary>
    private async Task<WorkflowRun> CreateRunAsync(Repository repo, string path, WorkflowDefinition? definition, string? error, string sha,
        string fullRef, string eventName, long? actorId, CancellationToken ct, string? effectKey = null)
    {
        var now = Now;
        var name = WorkflowName(definition, path);
        // Before the transaction: the catalogue's upsert is one statement of its own.
        var workflowId = await catalog.EnsureAsync(repo.Id, path, name, onDefaultBranch: fullRef == RefNames.Branch(repo.DefaultBranch), ct);
        var run = new WorkflowRun
        {
            EffectKey = effectKey, WorkflowId = workflowId,
            RepositoryId = repo.Id, WorkflowPath = path, Name = name, Event = eventName,
            HeadSha = sha, Ref = Truncate(fullRef, 1024), Status = error is null ? RunStatus.Queued : RunStatus.Completed,
            Conclusion = error is null ? null : CheckConclusion.Failure, Error = error, ActorId = actorId, CreatedAt = now, UpdatedAt = now,
            CompletedAt = error is null ? null : now,
        };
        var branch = RefNames.BranchOf(fullRef);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        run.RunNumber = await catalog.NextRunNumberAsync(workflowId, ct);
        db.WorkflowRuns.Add(run);
        await db.SaveChangesAsync(ct);
        if (definition is null)
        {
            await checks.CreateAsync(repo, sha, new CheckRunFields(run.Name, CheckStatus.Completed, CheckConclusion.Failure, null, $"run:{run.Id}",
                null, null, new CheckOutput("Invalid workflow", Truncate($"{path}: {error}", CheckService.MaxSummaryChars), null)), CheckApp.Actions, branch,
                actorId, ct);
            await events.CommitAsync(tx, ct);
            return run;
        }
        var jobs = new List<WorkflowJob>();
        foreach (var def in definition.Jobs)
        {
            var env = new Dictionary<string, string>(definition.Env);
            foreach (var (k, v) in def.Env)
            {
                env[k] = v;
            }
            var spec = new JobSpec(env, def.Steps.Select((s, i) => new JobSpec.Step(i + 1, s.Name, s.Run, s.Uses, new(s.Env), s.WorkingDirectory, new(s.With))).ToList());
            var job = new WorkflowJob
            {
                RunId = run.Id, RepositoryId = repo.Id, Key = def.Key, Name = Truncate(def.Name, 255), Needs = string.Join(' ', def.Needs),
                If = def.If?.Text, RunsOn = string.Join(' ', def.RunsOn), TimeoutMinutes = def.TimeoutMinutes,
                Spec = JsonSerializer.Serialize(spec, JobSpec.Json), Status = JobStatus.Waiting, CreatedAt = now,
            };
            jobs.Add(job);
            db.WorkflowJobs.Add(job);
        }
        await db.SaveChangesAsync(ct);
        foreach (var job in jobs)
        {
            var spec = JsonSerializer.Deserialize<JobSpec>(job.Spec, JobSpec.Json)!;
            db.JobSteps.AddRange(spec.Steps.Select(s => new JobStep { JobId = job.Id, Number = s.Number, Name = s.Name, Status = JobStatus.Queued }));
            var check = await checks.CreateAsync(repo, sha, new CheckRunFields(job.Name, CheckStatus.Queued, null, null, $"job:{job.Id}:1", null, null, null),
                CheckApp.Actions, branch, actorId, ct);
            job.CheckRunId = check.Id;
        }
        await db.SaveChangesAsync(ct);
        await events.CommitAsync(tx, ct);
        await AdvanceAsync(run.Id, ct);
        return run;
    }

    /// <summary>
    /// Moves a run forward: each waiting job whose needs are all completed is queued, or skipped when its
    /// <c>if</c> says no; a run whose jobs are all completed is completed. Safe to call any number of times.
    /// </summary>
    public async Task AdvanceAsync(long runId, CancellationToken ct)
    {
        for (var pass = 0; pass < 100; pass++) // each pass settles at least one job; skips can cascade
        {
            var run = await db.WorkflowRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null || run.Status == RunStatus.Completed)
            {
                return;
            }
            var jobs = await db.WorkflowJobs.AsNoTracking().Where(j => j.RunId == runId).ToListAsync(ct);
            var byKey = jobs.ToDictionary(j => j.Key);
            var changed = false;
            foreach (var job in jobs.Where(j => j.Status == JobStatus.Waiting))
            {
                var needs = job.NeedKeys.Select(k => byKey[k]).ToList();
                if (needs.Any(n => n.Status != JobStatus.Completed))
                {
                    continue;
                }
                var ctx = new ExpressionContext(GithubContext(run), needs.All(n => n.Conclusion is CheckConclusion.Success),
                    needs.Any(n => n.Conclusion is CheckConclusion.Failure or CheckConclusion.TimedOut), run.CancelRequested);
                bool go;
                try
                {
                    go = job.If is null ? ctx.NeedsSucceeded && !ctx.Cancelled : WorkflowExpression.Parse(job.If).Evaluate(ctx);
                }
                catch (FormatException)
                {
                    go = false; // validated when the workflow was read; unreachable in practice
                }
                var conclusion = run.CancelRequested && !go ? CheckConclusion.Cancelled : CheckConclusion.Skipped;
                var updated = go
                    ? await db.WorkflowJobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Waiting)
                        .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued), ct)
                    : await db.WorkflowJobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Waiting)
                        .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Completed).SetProperty(j => j.Conclusion, conclusion)
                            .SetProperty(j => j.CompletedAt, Now), ct);
                if (updated == 1)
                {
                    changed = true;
                    if (go)
                    {
                        signal.Notify();
                    }
                    else
                    {
                        await db.JobSteps.Where(s => s.JobId == job.Id && s.Status != JobStatus.Completed)
                            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, JobStatus.Completed).SetProperty(x => x.Conclusion, CheckConclusion.Skipped), ct);
                        await SyncCheckRunAsync(job.Id, ct);
                    }
                }
            }
            if (changed)
            {
                continue;
            }
            if (jobs.All(j => j.Status == JobStatus.Completed))
            {
                var conclusion = jobs.Any(j => j.Conclusion is CheckConclusion.Failure or CheckConclusion.TimedOut) ? CheckConclusion.Failure
                    : run.CancelRequested || jobs.Any(j => j.Conclusion == CheckConclusion.Cancelled) ? CheckConclusion.Cancelled
                    : CheckConclusion.Success;
                await db.WorkflowRuns.Where(r => r.Id == runId && r.Status != RunStatus.Completed)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Completed).SetProperty(r => r.Conclusion, conclusion)
                        .SetProperty(r => r.CompletedAt, Now).SetProperty(r => r.UpdatedAt, Now), ct);
            }
            else if (jobs.Any(j => j.Status is JobStatus.InProgress or JobStatus.Completed) && run.Status == RunStatus.Queued)
            {
                await db.WorkflowRuns.Where(r => r.Id == runId && r.Status == RunStatus.Queued)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.InProgress).SetProperty(r => r.UpdatedAt, Now), ct);
            }
            return;
        }
    }

    /// <summary>Mirrors a job's state onto its check run.</summary>
    public async Task SyncCheckRunAsync(long jobId, CancellationToken ct)
    {
        var job = await db.WorkflowJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job?.CheckRunId is not { } checkRunId)
        {
            return;
        }
        var fields = job.Status switch
        {
            JobStatus.Completed => new CheckRunFields(null, CheckStatus.Completed, job.Conclusion ?? CheckConclusion.Neutral, null, null, job.StartedAt ?? job.CompletedAt, job.CompletedAt, null),
            JobStatus.InProgress => new CheckRunFields(null, CheckStatus.InProgress, null, null, null, job.StartedAt, null, null),
            _ => new CheckRunFields(null, CheckStatus.Queued, null, null, null, null, null, null),
        };
        var actorId = await db.WorkflowRuns.Where(r => r.Id == job.RunId).Select(r => r.ActorId).FirstOrDefaultAsync(ct);
        try
        {
            await checks.UpdateAsync(job.RepositoryId, checkRunId, fields, actorId, ct);
        }
        catch (AnvilException e)
        {
            log.LogWarning("check run {CheckRun} of job {Job} not updated: {Error}", checkRunId, jobId, e.Message);
        }
    }

    public static Dictionary<string, string?> GithubContext(WorkflowRun run) => new()
    {
        ["ref"] = run.Ref,
        ["ref_name"] = RefNames.BranchOf(run.Ref) ?? RefNames.TagOf(run.Ref) ?? run.Ref,
        ["event_name"] = run.Event,
        ["sha"] = run.HeadSha,
        ["workflow"] = run.Name,
        ["run_id"] = run.Id.ToString(),
    };

    /// <summary>Cancels a run: jobs not yet started end now; running jobs learn it from their runner's next cancel check.</summary>
    public async Task CancelAsync(WorkflowRun run, CancellationToken ct)
    {
        if (run.Status == RunStatus.Completed)
        {
            throw new AnvilException(FailureKind.Conflict, "the run has already completed");
        }
        await db.WorkflowRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true).SetProperty(r => r.UpdatedAt, Now), ct);
        var pending = await db.WorkflowJobs.Where(j => j.RunId == run.Id && (j.Status == JobStatus.Queued || j.Status == JobStatus.Waiting))
            .Select(j => j.Id).ToListAsync(ct);
        foreach (var id in pending)
        {
            await CompleteAsync(id, CheckConclusion.Cancelled, [JobStatus.Queued, JobStatus.Waiting], ct);
        }
        await AdvanceAsync(run.Id, ct);
    }

    /// <summary>Ends a job that is in one of <paramref name="fromStatuses"/> (compare-and-swap) and mirrors it onto its steps and check run.</summary>
    public async Task<bool> CompleteAsync(long jobId, string conclusion, string[] fromStatuses, CancellationToken ct)
    {
        var now = Now;
        var updated = await db.WorkflowJobs.Where(j => j.Id == jobId && fromStatuses.Contains(j.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Completed).SetProperty(j => j.Conclusion, conclusion)
                .SetProperty(j => j.CompletedAt, now).SetProperty(j => j.TokenId, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct);
        if (updated == 0)
        {
            return false;
        }
        log.LogInformation("job {Job} ended by the server: {Conclusion}", jobId, conclusion);
        var stepConclusion = conclusion is CheckConclusion.Success ? CheckConclusion.Skipped : conclusion;
        await db.JobSteps.Where(s => s.JobId == jobId && s.Status == JobStatus.InProgress)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, JobStatus.Completed).SetProperty(x => x.Conclusion, stepConclusion).SetProperty(x => x.CompletedAt, now), ct);
        await db.JobSteps.Where(s => s.JobId == jobId && s.Status != JobStatus.Completed)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, JobStatus.Completed).SetProperty(x => x.Conclusion, CheckConclusion.Skipped), ct);
        await SyncCheckRunAsync(jobId, ct);
        return true;
    }

    /// <summary>Runs every job of a completed run again (asked by <paramref name="actorId"/>), as a new attempt with fresh check runs and logs.</summary>
    public async Task<WorkflowRun> RerunAsync(Repository repo, WorkflowRun run, long? actorId, CancellationToken ct)
    {
        if (run.Status != RunStatus.Completed)
        {
            throw AnvilException.Conflict("the run is still in progress");
        }
        if (run.Error is not null)
        {
            throw AnvilException.Conflict("the workflow file of this run is invalid; push a fixed one");
        }
        var attempt = run.RunAttempt + 1;
        var updated = await db.WorkflowRuns.Where(r => r.Id == run.Id && r.Status == RunStatus.Completed && r.RunAttempt == run.RunAttempt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Queued).SetProperty(r => r.Conclusion, (string?)null)
                .SetProperty(r => r.CompletedAt, (DateTime?)null).SetProperty(r => r.CancelRequested, false)
                .SetProperty(r => r.RunAttempt, attempt).SetProperty(r => r.UpdatedAt, Now), ct);
        if (updated == 0)
        {
            throw AnvilException.Conflict("the run was re-run concurrently");
        }
        var branch = RefNames.BranchOf(run.Ref);
        var jobs = await db.WorkflowJobs.Where(j => j.RunId == run.Id).ToListAsync(ct);
        foreach (var job in jobs)
        {
            await db.JobLogChunks.Where(c => c.JobId == job.Id).ExecuteDeleteAsync(ct);
            await db.JobSteps.Where(s => s.JobId == job.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, JobStatus.Queued)
                .SetProperty(x => x.Conclusion, (string?)null).SetProperty(x => x.StartedAt, (DateTime?)null).SetProperty(x => x.CompletedAt, (DateTime?)null), ct);
            var check = await checks.CreateAsync(repo, run.HeadSha, new CheckRunFields(job.Name, CheckStatus.Queued, null, null, $"job:{job.Id}:{attempt}", null, null, null),
                CheckApp.Actions, branch, actorId, ct);
            (job.Status, job.Conclusion, job.RunnerId, job.RunnerName, job.TokenId, job.LeaseExpiresAt, job.Claims, job.StartedAt, job.CompletedAt, job.CheckRunId) =
                (JobStatus.Waiting, null, null, null, null, null, 0, null, null, check.Id);
            job.LogArchivedAt = null;
        }
        await db.SaveChangesAsync(ct);
        foreach (var job in jobs)
        {
            await logs.DeleteBlobAsync(job.RepositoryId, job.Id); // the previous attempt's log; the job row no longer points at it
        }
        await AdvanceAsync(run.Id, ct);
        return await db.WorkflowRuns.AsNoTracking().FirstAsync(r => r.Id == run.Id, ct);
    }

    /// <summary>
    /// Deletes a completed run with its jobs, logs and artifacts: the rows first (one statement, cascading), then the
    /// blobs, best effort; a blob left behind by a failure is an orphan, never a row pointing at nothing.
    /// </summary>
    public async Task DeleteRunAsync(WorkflowRun run, CancellationToken ct)
    {
        if (run.Status != RunStatus.Completed)
        {
            throw AnvilException.Conflict("the run is still in progress; cancel it first");
        }
        var jobIds = await db.WorkflowJobs.AsNoTracking().Where(j => j.RunId == run.Id).Select(j => j.Id).ToListAsync(ct);
        var artifactIds = await db.Artifacts.AsNoTracking().Where(a => a.RunId == run.Id).Select(a => a.Id).ToListAsync(ct);
        if (await db.WorkflowRuns.Where(r => r.Id == run.Id && r.Status == RunStatus.Completed).ExecuteDeleteAsync(ct) == 0)
        {
            throw AnvilException.Conflict("the run was re-run or deleted meanwhile");
        }
        foreach (var jobId in jobIds)
        {
            await logs.DeleteBlobAsync(run.RepositoryId, jobId);
        }
        foreach (var artifactId in artifactIds)
        {
            await artifacts.DeleteBlobAsync(ActionsBlobs.ArtifactKey(run.RepositoryId, artifactId));
        }
    }

    private static string WorkflowName(WorkflowDefinition? definition, string path) => Truncate(definition?.Name ?? Path.GetFileName(path), 255);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
