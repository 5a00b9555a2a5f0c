using Microsoft.AspNetCore.Http;

namespace Anvil.Web.Ports;

// Actions and checks, as the pages show them; the adapter reads them through the same access rules as the API.

/// <summary>What a run list is narrowed to; each part empty means "any".</summary>
/// <param name="Workflow">A workflow file path (<c>.anvil/workflows/ci.yml</c>).</param>
/// <param name="Status">A run status (queued, in_progress, completed) or a conclusion (success, failure, …), as the API's filter.</param>
public sealed record RunFilter(string? Workflow, string? Branch, string? Status)
{
    public static readonly RunFilter None = new(null, null, null);
}

/// <param name="Branch">The branch the run is for; null for a tag or a pull request's head.</param>
/// <param name="Actor">Who caused it (pushed, re-ran, dispatched), when known.</param>
public sealed record RunRow(long Id, string Name, string WorkflowPath, string Event, string Ref, string? Branch, string HeadSha, string Status,
    string? Conclusion, string? Actor, int Attempt, DateTime CreatedAt, DateTime? CompletedAt);

/// <param name="Workflows">Workflow file paths that have runs, for the filter.</param>
public sealed record RunListView(RepoContext Context, IReadOnlyList<RunRow> Runs, bool HasMore, IReadOnlyList<string> Workflows, RunFilter Filter);

public sealed record StepView(int Number, string Name, string Status, string? Conclusion, DateTime? StartedAt, DateTime? CompletedAt);

/// <param name="Log">The log so far (the runner marks each step's start with a "▶ name" line).</param>
/// <param name="LogSeq">The last log chunk <paramref name="Log"/> holds (-1: none), where a live view continues.</param>
/// <param name="LogTruncated">The log is longer than a page shows; <paramref name="Log"/> is its start.</param>
public sealed record JobView(long Id, string Name, string Status, string? Conclusion, DateTime? StartedAt, DateTime? CompletedAt, string? RunnerName,
    long? CheckRunId, IReadOnlyList<StepView> Steps, string Log, int LogSeq, bool LogTruncated)
{
    public bool IsRunning => Status is "queued" or "in_progress" or "waiting";
}

/// <param name="Error">Why the workflow could not run (invalid file), if so.</param>
/// <param name="Jobs">Every job of the run, in order; the page shows the steps and logs of <paramref name="Shown"/>.</param>
/// <param name="Shown">The jobs whose steps and logs are loaded: all of them on the run's page, one on a job's page.</param>
public sealed record RunView(RepoContext Context, RunRow Run, string? Error, IReadOnlyList<JobView> Jobs, IReadOnlyList<JobView> Shown)
{
    public bool IsRunning => Run.Status != "completed";
}

/// <param name="App">The integration that reported it ("Anvil Actions", "Anvil").</param>
/// <param name="JobId">The Actions job it mirrors (with <paramref name="RunId"/>), when it comes from one.</param>
public sealed record CheckRunView(RepoContext Context, long Id, string Name, string HeadSha, string Status, string? Conclusion, DateTime? StartedAt,
    DateTime? CompletedAt, string? Title, string? Summary, string? Text, string? DetailsUrl, string App, long? RunId, long? JobId);

/// <param name="Url">Where it leads: the Actions job for a job's check, else the check run's page.</param>
public sealed record CheckState(string Name, string Status, string? Conclusion, string App, string Url);

/// <summary>
/// Workflow runs, their jobs and logs, and check runs. Reads refuse what the viewer may not read (the 404 page); re-run
/// and cancel need write access, as the API's, and say why not in a <see cref="FormResult"/>.
/// </summary>
public interface IWebActions
{
    Task<RunListView> RunsAsync(string owner, string repo, RunFilter filter, int skip, int limit, CancellationToken ct);

    /// <param name="jobId">One job's page; null for the run's page with every job.</param>
    Task<RunView> RunAsync(string owner, string repo, long runId, long? jobId, CancellationToken ct);

    Task<FormResult> CancelAsync(string owner, string repo, long runId, CancellationToken ct);

    Task<FormResult> RerunAsync(string owner, string repo, long runId, CancellationToken ct);

    Task<CheckRunView> CheckRunAsync(string owner, string repo, long id, CancellationToken ct);

    /// <summary>The latest check run of each name on a commit (none for an unknown commit).</summary>
    Task<IReadOnlyList<CheckState>> CheckStatesAsync(string owner, string repo, string sha, CancellationToken ct);

    /// <summary>The check states of a pull request's head commit.</summary>
    Task<IReadOnlyList<CheckState>> PullCheckStatesAsync(string owner, string repo, int number, CancellationToken ct);

    /// <summary>A job's whole log as plain text, as it is now (GitHub's "View raw logs"). Unreadable: the 404 refusal.</summary>
    Task WriteRawLogAsync(HttpContext http, string owner, string repo, long runId, long jobId);

    /// <summary>
    /// A job's log as server-sent events while it runs: a <c>log</c> event per new chunk (its id the chunk's seq, so a
    /// reconnect resumes), then <c>end</c> once the job has completed (or restarted). Unreadable: the 404 refusal.
    /// </summary>
    Task StreamLogAsync(HttpContext http, string owner, string repo, long runId, long jobId);
}
