using System.Text;
using Anvil.Git;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Actions;

/// <summary>GitHub's JSON shapes for workflow runs, jobs and runners (plus <c>error</c> on a run whose workflow is invalid).</summary>
public static class ActionsViews
{
    /// <summary>GitHub's workflow run; built only by <see cref="WorkflowRunViews"/>, which gathers what a page of runs shares.</summary>
    public sealed record Run(long Id, string Name, string NodeId, long? CheckSuiteId, string? CheckSuiteNodeId, string? HeadBranch, string HeadSha,
        string Path, long RunNumber, string Event, string DisplayTitle, string Status, string? Conclusion, long? WorkflowId, int RunAttempt,
        string Url, string HtmlUrl, IReadOnlyList<Checks.CheckViews.PullRequestRef> PullRequests, DateTime CreatedAt, DateTime UpdatedAt,
        UserViews.V1SimpleUser? Actor, UserViews.V1SimpleUser? TriggeringActor, DateTime RunStartedAt, string JobsUrl, string LogsUrl,
        string CheckSuiteUrl, string ArtifactsUrl, string CancelUrl, string RerunUrl, string? WorkflowUrl, object? HeadCommit,
        RepositoryViews.V1 Repository, RepositoryViews.V1 HeadRepository, string? Error);

    public sealed record WorkflowView(long Id, string NodeId, string Name, string Path, string State, DateTime CreatedAt, DateTime UpdatedAt,
        string Url, string HtmlUrl, string BadgeUrl);

    public sealed record WorkflowList(int TotalCount, List<WorkflowView> Workflows);

    public sealed record Step(string Name, string Status, string? Conclusion, int Number, DateTime? StartedAt, DateTime? CompletedAt);

    public sealed record Job(long Id, long RunId, string RunUrl, string NodeId, string HeadSha, string Url, string HtmlUrl, string Status,
        string? Conclusion, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt, string Name, List<Step> Steps, string? CheckRunUrl,
        List<string> Labels, long? RunnerId, string? RunnerName, int RunAttempt, string WorkflowName, string? HeadBranch);

    public sealed record RunList(int TotalCount, List<Run> WorkflowRuns);

    public sealed record JobList(int TotalCount, List<Job> Jobs);

    public sealed record RunnerView(long Id, string Name, string Os, string Status, bool Busy, List<RunnerLabel> Labels);

    public sealed record RunnerLabel(string Name, string Type);

    public sealed record RunnerList(int TotalCount, List<RunnerView> Runners);

    public sealed record RegistrationToken(string Token, DateTime ExpiresAt);

    public sealed record ArtifactRun(long Id, long RepositoryId, long HeadRepositoryId, string? HeadBranch, string HeadSha);

    public sealed record ArtifactView(long Id, string NodeId, string Name, long SizeInBytes, string Url, string ArchiveDownloadUrl, bool Expired,
        DateTime CreatedAt, DateTime UpdatedAt, DateTime ExpiresAt, ArtifactRun WorkflowRun);

    public sealed record ArtifactList(int TotalCount, List<ArtifactView> Artifacts);

    // The runner protocol (anvil-runner speaks it).

    /// <summary>A newly registered runner and its credential, shown once.</summary>
    public sealed record RunnerRegistration(long Id, string Name, string[] Labels, string Token);

    /// <summary>The job token that replaces the one just used (single-use chain).</summary>
    public sealed record NextJobToken(string NextToken, DateTime ExpiresAt);

    /// <summary>An artifact just stored, and the job token that replaces the one the upload spent.</summary>
    public sealed record UploadedArtifact(long Id, string Name, long SizeInBytes, string NextToken, DateTime ExpiresAt);

    public sealed record CancelCheck(bool Cancelled, string NextToken, DateTime ExpiresAt);

    private static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}:{id}"));

    private static string Api(string baseUrl, Repository repo) => $"{baseUrl}/api/v1/repos/{repo.Owner.Username}/{repo.Name}";

    private static string? Branch(string fullRef) => RefNames.BranchOf(fullRef);

    public static Run ToView(this WorkflowRun r, Repository repo, RepositoryViews.V1 repository, string baseUrl, long? checkSuiteId,
        IReadOnlyList<Checks.CheckViews.PullRequestRef> pullRequests, UserViews.V1SimpleUser? actor)
    {
        var api = Api(baseUrl, repo);
        var url = $"{api}/actions/runs/{r.Id}";
        return new Run(r.Id, r.Name, NodeId("WorkflowRun", r.Id), checkSuiteId, checkSuiteId is { } s ? NodeId("CheckSuite", s) : null, Branch(r.Ref),
            r.HeadSha, r.WorkflowPath, r.RunNumber, r.Event, r.Name, r.Status, r.Conclusion, r.WorkflowId, r.RunAttempt, url,
            $"{baseUrl}/{repo.Owner.Username}/{repo.Name}/actions/runs/{r.Id}", pullRequests, r.CreatedAt, r.UpdatedAt, actor, actor, r.CreatedAt,
            url + "/jobs", url + "/logs", checkSuiteId is { } suite ? $"{api}/check-suites/{suite}" : $"{api}/commits/{r.HeadSha}/check-suites",
            url + "/artifacts", url + "/cancel", url + "/rerun", r.WorkflowId is { } w ? $"{api}/actions/workflows/{w}" : null, null,
            repository, repository, r.Error);
    }

    public static WorkflowView ToView(this Workflow w, Repository repo, string baseUrl)
    {
        var web = $"{baseUrl}/{repo.Owner.Username}/{repo.Name}";
        return new WorkflowView(w.Id, NodeId("Workflow", w.Id), w.Name, w.Path, w.State, w.CreatedAt, w.UpdatedAt,
            $"{Api(baseUrl, repo)}/actions/workflows/{w.Id}", $"{web}/blob/{Uri.EscapeDataString(repo.DefaultBranch)}/{w.Path}",
            $"{web}/actions/workflows/{Uri.EscapeDataString(System.IO.Path.GetFileName(w.Path))}/badge.svg");
    }

    public static Job ToView(this WorkflowJob j, WorkflowRun run, IEnumerable<JobStep> steps, Repository repo, string baseUrl) =>
        new(j.Id, j.RunId, $"{Api(baseUrl, repo)}/actions/runs/{j.RunId}", NodeId("WorkflowJob", j.Id), run.HeadSha,
            $"{Api(baseUrl, repo)}/actions/jobs/{j.Id}", $"{baseUrl}/{repo.Owner.Username}/{repo.Name}/actions/runs/{j.RunId}/job/{j.Id}",
            j.Status, j.Conclusion, j.CreatedAt, j.StartedAt, j.CompletedAt, j.Name,
            steps.OrderBy(s => s.Number).Select(s => new Step(s.Name, s.Status, s.Conclusion, s.Number, s.StartedAt, s.CompletedAt)).ToList(),
            j.CheckRunId is { } c ? $"{Api(baseUrl, repo)}/check-runs/{c}" : null,
            j.RunsOn.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(), j.RunnerId, j.RunnerName, run.RunAttempt, run.Name, Branch(run.Ref));

    public static ArtifactView ToView(this Artifact a, DateTime expiresAt, WorkflowRun run, Repository repo, string baseUrl)
    {
        var url = $"{Api(baseUrl, repo)}/actions/artifacts/{a.Id}";
        return new ArtifactView(a.Id, NodeId("Artifact", a.Id), a.Name, a.SizeInBytes, url, url + "/zip", a.Expired, a.CreatedAt, a.CreatedAt,
            expiresAt, new ArtifactRun(run.Id, repo.Id, repo.Id, Branch(run.Ref), run.HeadSha));
    }

    public static RunnerView ToView(this Runner r, DateTime now, bool busy) =>
        new(r.Id, r.Name, "linux", now - r.LastSeenAt < TimeSpan.FromMinutes(2) ? "online" : "offline", busy,
            r.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(l => new RunnerLabel(l, "custom")).ToList());
}
