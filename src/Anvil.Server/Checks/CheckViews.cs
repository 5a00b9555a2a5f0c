using System.Text;
using Anvil.Server.Repositories;

namespace Anvil.Server.Checks;

/// <summary>GitHub's JSON shapes for check runs and suites.</summary>
public static class CheckViews
{
    public sealed record App(long Id, string Slug, string NodeId, string Name, string Description, string HtmlUrl);

    public sealed record Output(string? Title, string? Summary, string? Text, int AnnotationsCount, string AnnotationsUrl);

    public sealed record SuiteRef(long Id);

    /// <summary>GitHub's minimal pull request, as check runs and suites list them.</summary>
    public sealed record PullRequestRef(string Url, long Id, int Number, BranchRef Head, BranchRef Base);

    public sealed record BranchRef(string Ref, string Sha, RepoRef? Repo);

    public sealed record RepoRef(long Id, string Url, string Name);

    public sealed record Run(long Id, string HeadSha, string NodeId, string? ExternalId, string Url, string HtmlUrl, string? DetailsUrl,
        string Status, string? Conclusion, DateTime StartedAt, DateTime? CompletedAt, Output Output, string Name, SuiteRef CheckSuite,
        App App, IReadOnlyList<PullRequestRef> PullRequests);

    public sealed record Suite(long Id, string NodeId, string? HeadBranch, string HeadSha, string Status, string? Conclusion, string Url,
        string? Before, string? After, App App, DateTime CreatedAt, DateTime UpdatedAt, int LatestCheckRunsCount, string CheckRunsUrl,
        IReadOnlyList<PullRequestRef> PullRequests);

    public sealed record Annotation(string Path, int StartLine, int EndLine, int? StartColumn, int? EndColumn, string AnnotationLevel,
        string? Title, string Message, string? RawDetails, string BlobHref);

    public sealed record RunList(int TotalCount, List<Run> CheckRuns);

    public sealed record SuiteList(int TotalCount, List<Suite> CheckSuites);

    private static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}:{id}"));

    private static string RepoApi(string baseUrl, Repository repo) => $"{baseUrl}/api/v1/repos/{repo.Owner.Username}/{repo.Name}";

    public static App ToView(this CheckApp app, string baseUrl) =>
        new(app.Id, app.Slug, NodeId("App", app.Id), app.Name, $"{app.Name} checks", $"{baseUrl}/apps/{app.Slug}");

    /// <summary>A check run; <paramref name="pullRequests"/> are the open pull requests on its head (<see cref="CheckService.PullRequestsAsync"/>).</summary>
    public static Run ToView(this CheckRun run, Repository repo, string baseUrl, IReadOnlyList<PullRequestRef> pullRequests)
    {
        var url = $"{RepoApi(baseUrl, repo)}/check-runs/{run.Id}";
        return new Run(run.Id, run.HeadSha, NodeId("CheckRun", run.Id), run.ExternalId, url,
            $"{baseUrl}/{repo.Owner.Username}/{repo.Name}/runs/{run.Id}", run.DetailsUrl, run.Status, run.Conclusion,
            // A queued run has not started; GitHub answers its creation time there, and Octokit.NET's CheckRun cannot be read without it.
            run.StartedAt ?? run.CreatedAt,
            run.CompletedAt, new Output(run.OutputTitle, run.OutputSummary, run.OutputText, run.AnnotationsCount, url + "/annotations"), run.Name,
            new SuiteRef(run.SuiteId), CheckApp.FromSlug(run.Suite.App).ToView(baseUrl), pullRequests);
    }

    public static Annotation ToView(this CheckRunAnnotation a, CheckRun run, Repository repo, string baseUrl) =>
        new(a.Path, a.StartLine, a.EndLine, a.StartColumn, a.EndColumn, a.Level, a.Title, a.Message, a.RawDetails,
            $"{baseUrl}/{repo.Owner.Username}/{repo.Name}/blob/{run.HeadSha}/{string.Join('/', a.Path.Split('/').Select(Uri.EscapeDataString))}");

    public static Suite ToView(this CheckSuiteState state, Repository repo, string baseUrl, IReadOnlyList<PullRequestRef> pullRequests)
    {
        var s = state.Suite;
        var url = $"{RepoApi(baseUrl, repo)}/check-suites/{s.Id}";
        return new Suite(s.Id, NodeId("CheckSuite", s.Id), s.HeadBranch, s.HeadSha, state.Status, state.Conclusion, url, null, s.HeadSha,
            CheckApp.FromSlug(s.App).ToView(baseUrl), s.CreatedAt, s.UpdatedAt, state.RunCount, url + "/check-runs", pullRequests);
    }
}
