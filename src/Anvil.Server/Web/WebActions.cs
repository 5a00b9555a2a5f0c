using Anvil.Git;
using System.Text;
using Anvil.Server.Actions;
using Anvil.Server.Auth;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Web.Ports;
using Anvil.Web.Rendering;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Web;

/// <summary>Actions and check pages over <see cref="WorkflowService"/>, <see cref="CheckService"/> and <see cref="JobLogArchive"/>, with the API's access rules.</summary>
public sealed class WebActions(IWebCode code, RepositoryAccess access, AnvilDbContext db, WorkflowService workflows, CheckService checks, JobLogArchive logs,
    WebPullRequestLoads pulls, Caller caller, IHostApplicationLifetime lifetime) : IWebActions
{
    /// <summary>A page shows this much of a job's log; its raw log has the rest.</summary>
    private const int MaxLogBytes = 1024 * 1024;
    private static readonly TimeSpan LivePoll = TimeSpan.FromSeconds(1);
    /// <summary>A live log answer ends after this; the browser reconnects where it left off (Last-Event-ID).</summary>
    private static readonly TimeSpan LiveAnswerLifetime = TimeSpan.FromMinutes(5);

    public async Task<RunListView> RunsAsync(string owner, string repo, RunFilter filter, int skip, int limit, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var repoId = (await access.ReadAsync(owner, repo, ct)).Repository.Id;
        var ofRepo = db.WorkflowRuns.AsNoTracking().Where(r => r.RepositoryId == repoId);
        var query = ActionsQueries.Filter(ofRepo, null, filter.Status, filter.Branch, null);
        if (!string.IsNullOrEmpty(filter.Workflow))
        {
            query = query.Where(r => r.WorkflowPath == filter.Workflow);
        }
        var runs = await query.OrderByDescending(r => r.Id).Skip(skip).Take(limit + 1).ToListAsync(ct);
        var workflowPaths = await ofRepo.Select(r => r.WorkflowPath).Distinct().OrderBy(p => p).Take(100).ToListAsync(ct);
        var rows = await RowsAsync(runs.Take(limit).ToList(), ct);
        return new RunListView(context, rows, runs.Count > limit, workflowPaths, filter);
    }

    public async Task<RunView> RunAsync(string owner, string repo, long runId, long? jobId, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var repoId = (await access.ReadAsync(owner, repo, ct)).Repository.Id;
        var run = await ActionsQueries.FindRunAsync(db, repoId, runId, ct);
        var jobs = await db.WorkflowJobs.AsNoTracking().Where(j => j.RunId == run.Id).OrderBy(j => j.Id).ToListAsync(ct);
        if (jobId is { } only && jobs.All(j => j.Id != only))
        {
            throw AnvilException.NotFound("job not found");
        }
        var ids = jobs.Select(j => j.Id).ToList();
        var steps = (await db.JobSteps.AsNoTracking().Where(s => ids.Contains(s.JobId)).ToListAsync(ct)).ToLookup(s => s.JobId);
        var views = new List<JobView>();
        var shown = new List<JobView>();
        foreach (var job in jobs)
        {
            var show = jobId is null || jobId == job.Id;
            var (log, seq, truncated) = show ? await ReadLogAsync(job, ct) : ("", -1, false);
            var view = new JobView(job.Id, job.Name, job.Status, job.Conclusion, job.StartedAt, job.CompletedAt, job.RunnerName, job.CheckRunId,
                steps[job.Id].OrderBy(s => s.Number).Select(s => new StepView(s.Number, s.Name, s.Status, s.Conclusion, s.StartedAt, s.CompletedAt)).ToList(),
                log, seq, truncated);
            views.Add(view);
            if (show)
            {
                shown.Add(view);
            }
        }
        return new RunView(context, (await RowsAsync([run], ct))[0], run.Error, views, shown);
    }

    public Task<FormResult> CancelAsync(string owner, string repo, long runId, CancellationToken ct) =>
        WriteAsync(owner, repo, runId, (grant, run) => workflows.CancelAsync(run, ct), ct);

    public Task<FormResult> RerunAsync(string owner, string repo, long runId, CancellationToken ct) =>
        WriteAsync(owner, repo, runId, (grant, run) => workflows.RerunAsync(grant.Repository, run, caller.UserId, ct), ct);

    /// <summary>A writer's change to a run, refused as the API refuses it: unreadable is the 404 page, the rest a sentence on the page.</summary>
    private async Task<FormResult> WriteAsync(string owner, string repo, long runId, Func<RepositoryGrant, WorkflowRun, Task> change, CancellationToken ct)
    {
        try
        {
            var grant = await access.RequireAsync(owner, repo, RepositoryPermission.Write, ct);
            var run = await ActionsQueries.FindRunAsync(db, grant.Repository.Id, runId, ct);
            await change(grant, run);
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind is FailureKind.Forbidden or FailureKind.Unauthorized)
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<CheckRunView> CheckRunAsync(string owner, string repo, long id, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var repoId = (await access.ReadAsync(owner, repo, ct)).Repository.Id;
        var run = await checks.GetAsync(repoId, id, ct);
        var app = CheckApp.FromSlug(run.Suite.App);
        var (jobId, runId) = app == CheckApp.Actions ? ActionsQueries.ParseCheckExternalId(run.ExternalId) : (null, null);
        if (jobId is { } j)
        {
            runId = await db.WorkflowJobs.AsNoTracking().Where(x => x.Id == j && x.RepositoryId == repoId).Select(x => (long?)x.RunId).FirstOrDefaultAsync(ct);
            jobId = runId is null ? null : jobId;
        }
        return new CheckRunView(context, run.Id, run.Name, run.HeadSha, run.Status, run.Conclusion, run.StartedAt, run.CompletedAt, run.OutputTitle,
            run.OutputSummary, run.OutputText, run.DetailsUrl, app.Name, runId, jobId);
    }

    public async Task<IReadOnlyList<CheckState>> CheckStatesAsync(string owner, string repo, string sha, CancellationToken ct)
    {
        var grant = await access.ReadAsync(owner, repo, ct);
        return await checks.ResolveCommitAsync(grant.Repository, sha, ct) is { } resolved ? await StatesAsync(owner, repo, grant.Repository, resolved, ct) : [];
    }

    // The head the server recorded for a pull request is a commit it fetched: no git process to check that it is one.
    public async Task<IReadOnlyList<CheckState>> PullCheckStatesAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var pr = await pulls.GetAsync(owner, repo, number, ct);
        return await StatesAsync(owner, repo, pr.Repository, pr.PullRequest.HeadOid, ct);
    }

    private async Task<IReadOnlyList<CheckState>> StatesAsync(string owner, string repo, Repository repository, string resolved, CancellationToken ct)
    {
        var page = await checks.ListForResolvedCommitAsync(repository, resolved, null, null, 0, 100, ct);
        // Newest first: a re-run's check replaces the earlier attempt's of the same name.
        var latest = page.Items.DistinctBy(r => (r.Suite.App, r.Name)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var jobIds = latest.Where(r => r.Suite.App == CheckApp.Actions.Slug)
            .Select(r => ActionsQueries.ParseCheckExternalId(r.ExternalId).JobId).OfType<long>().ToList();
        var runOfJob = await db.WorkflowJobs.AsNoTracking().Where(j => jobIds.Contains(j.Id) && j.RepositoryId == repository.Id)
            .ToDictionaryAsync(j => j.Id, j => j.RunId, ct);
        return latest.Select(r =>
        {
            var app = CheckApp.FromSlug(r.Suite.App);
            var (jobId, runId) = app == CheckApp.Actions ? ActionsQueries.ParseCheckExternalId(r.ExternalId) : (null, null);
            var url = jobId is { } j && runOfJob.TryGetValue(j, out var ofJob) ? Links.ActionsJob(owner, repo, ofJob, j)
                : runId is { } run ? Links.ActionsRun(owner, repo, run)
                : Links.CheckRun(owner, repo, r.Id);
            return new CheckState(r.Name, r.Status, r.Conclusion, app.Name, url);
        }).ToList();
    }

    public async Task WriteRawLogAsync(HttpContext http, string owner, string repo, long runId, long jobId)
    {
        var job = await FindJobAsync(owner, repo, runId, jobId, http.RequestAborted);
        await using var log = await logs.OpenAsync(job, http.RequestAborted);
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await log.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    public async Task StreamLogAsync(HttpContext http, string owner, string repo, long runId, long jobId)
    {
        var job = await FindJobAsync(owner, repo, runId, jobId, http.RequestAborted);
        var after = int.TryParse(http.Request.Headers["Last-Event-ID"], out var resumed) ? resumed
            : int.TryParse(http.Request.Query["after"], out var asked) ? asked : -1;
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        stop.CancelAfter(LiveAnswerLifetime);
        var ct = stop.Token;
        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
            while (true)
            {
                // The state first, then the chunks: a job completed before this read takes no more chunks, so none is missed.
                var state = await db.WorkflowJobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.Status, j.StartedAt }).FirstOrDefaultAsync(ct);
                var chunks = await logs.ChunksAfterAsync(jobId, after, ct);
                var events = new StringBuilder();
                foreach (var chunk in chunks)
                {
                    events.Append("id: ").Append(chunk.Seq).Append("\nevent: log\n");
                    foreach (var line in Encoding.UTF8.GetString(chunk.Data).Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
                    {
                        events.Append("data: ").Append(line).Append('\n');
                    }
                    events.Append('\n');
                    after = chunk.Seq;
                }
                // Completed (its log may since be archived), gone, or started over by a re-run: the page reloads to show it whole.
                var over = state is null || state.Status == JobStatus.Completed || (job.StartedAt is not null && state.StartedAt != job.StartedAt);
                events.Append(over ? "event: end\ndata: \n\n" : ": waiting\n\n");
                await http.Response.WriteAsync(events.ToString(), ct);
                await http.Response.Body.FlushAsync(ct);
                if (over)
                {
                    return;
                }
                job.StartedAt ??= state!.StartedAt;
                await Task.Delay(LivePoll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser left, the server is stopping, or the answer's time is up (the browser reconnects).
        }
    }

    /// <summary>A job of a run the viewer may read, by the page's address (a job of another run is not found).</summary>
    private async Task<WorkflowJob> FindJobAsync(string owner, string repo, long runId, long jobId, CancellationToken ct)
    {
        var repoId = (await access.ReadAsync(owner, repo, ct)).Repository.Id;
        var job = await ActionsQueries.FindJobAsync(db, repoId, jobId, ct);
        return job.RunId == runId ? job : throw AnvilException.NotFound("job not found");
    }

    /// <summary>The log so far and the last chunk it holds: from the rows while the job runs, else the archived blob.</summary>
    private async Task<(string Log, int Seq, bool Truncated)> ReadLogAsync(WorkflowJob job, CancellationToken ct)
    {
        var content = new MemoryStream();
        var seq = -1;
        var chunks = await logs.ChunksAfterAsync(job.Id, -1, ct);
        if (chunks.Count > 0)
        {
            foreach (var chunk in chunks.TakeWhile(c => content.Length <= MaxLogBytes))
            {
                content.Write(chunk.Data);
                seq = chunk.Seq;
            }
        }
        else
        {
            await using var stored = await logs.OpenAsync(job, ct);
            var buffer = new byte[81920];
            int read;
            while (content.Length <= MaxLogBytes && (read = await stored.ReadAsync(buffer, ct)) > 0)
            {
                content.Write(buffer, 0, read);
            }
        }
        var truncated = content.Length > MaxLogBytes;
        var bytes = content.GetBuffer().AsSpan(0, (int)Math.Min(content.Length, MaxLogBytes));
        return (Encoding.UTF8.GetString(bytes), seq, truncated);
    }

    private async Task<List<RunRow>> RowsAsync(List<WorkflowRun> runs, CancellationToken ct)
    {
        var actorIds = runs.Select(r => r.ActorId).OfType<long>().Distinct().ToList();
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, ct);
        return runs.Select(r => new RunRow(r.Id, r.Name, r.WorkflowPath, r.Event, r.Ref,
            RefNames.BranchOf(r.Ref), r.HeadSha, r.Status, r.Conclusion,
            r.ActorId is { } a ? actors.GetValueOrDefault(a) : null, r.RunAttempt, r.CreatedAt, r.CompletedAt)).ToList();
    }
}
