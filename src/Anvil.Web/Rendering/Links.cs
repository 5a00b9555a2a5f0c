namespace Anvil.Web.Rendering;

/// <summary>The URLs of the pages, in GitHub's scheme. Built here only, so a page never spells one by hand.</summary>
public static class Links
{
    public static string Repo(string owner, string repo) => $"/{E(owner)}/{E(repo)}";

    public static string Tree(string owner, string repo, string gitRef, string path = "") => Join(Repo(owner, repo) + "/tree/" + RefPath(gitRef), path);

    public static string Blob(string owner, string repo, string gitRef, string path) => Join(Repo(owner, repo) + "/blob/" + RefPath(gitRef), path);

    public static string Blame(string owner, string repo, string gitRef, string path) => Join(Repo(owner, repo) + "/blame/" + RefPath(gitRef), path);

    public static string Raw(string owner, string repo, string gitRef, string path) => Join(Repo(owner, repo) + "/raw/" + RefPath(gitRef), path);

    public static string Commits(string owner, string repo, string gitRef, string? path = null) =>
        Join(Repo(owner, repo) + "/commits/" + RefPath(gitRef), path ?? "");

    public static string Commit(string owner, string repo, string sha) => Repo(owner, repo) + "/commit/" + sha;

    public static string Forks(string owner, string repo) => Repo(owner, repo) + "/forks";

    public static string Stargazers(string owner, string repo) => Repo(owner, repo) + "/stargazers";

    public static string Issues(string owner, string repo) => Repo(owner, repo) + "/issues";

    public static string Issue(string owner, string repo, int number) => Repo(owner, repo) + "/issues/" + number;

    public static string Pulls(string owner, string repo) => Repo(owner, repo) + "/pulls";

    public static string Pull(string owner, string repo, int number) => Repo(owner, repo) + "/pull/" + number;

    public static string Actions(string owner, string repo) => Repo(owner, repo) + "/actions";

    public static string ActionsRun(string owner, string repo, long runId) => Actions(owner, repo) + "/runs/" + runId;

    public static string ActionsJob(string owner, string repo, long runId, long jobId) => ActionsRun(owner, repo, runId) + "/job/" + jobId;

    /// <summary>The job's log as server-sent events (see <c>IWebActions.StreamLogAsync</c>).</summary>
    public static string ActionsJobLive(string owner, string repo, long runId, long jobId) => ActionsJob(owner, repo, runId, jobId) + "/live";

    public static string ActionsJobRawLog(string owner, string repo, long runId, long jobId) => ActionsJob(owner, repo, runId, jobId) + "/logs";

    public static string CheckRun(string owner, string repo, long id) => Repo(owner, repo) + "/runs/" + id;

    public static string User(string username) => "/" + E(username);

    public static string Labels(string owner, string repo) => Repo(owner, repo) + "/labels";

    public static string Compare(string owner, string repo) => Repo(owner, repo) + "/compare";

    /// <summary>GitHub's /compare/base...head; a fork's head is "owner:branch".</summary>
    public static string Compare(string owner, string repo, string @base, string head) =>
        Compare(owner, repo) + "/" + RefPath(@base) + "..." + RefPath(head).Replace("%3A", ":", StringComparison.Ordinal); // "owner:branch" reads as GitHub writes it

    /// <summary>The issue (or pull request) list filtered by a label, as a label chip links to it.</summary>
    public static string IssuesLabelled(string owner, string repo, string label, bool pulls = false) =>
        (pulls ? Pulls(owner, repo) : Issues(owner, repo)) + "?label=" + E(label);

    /// <summary>A repository's settings; <paramref name="section"/> is "collaborators", "hooks", "hooks/{id}", "actions" or none (general).</summary>
    public static string RepoSettings(string owner, string repo, string? section = null) =>
        Repo(owner, repo) + "/settings" + (section is null ? "" : "/" + section);

    private static string E(string segment) => Uri.EscapeDataString(segment);

    /// <summary>A ref or path keeps its slashes; each segment is escaped.</summary>
    public static string RefPath(string value) => string.Join('/', value.Split('/').Select(E));

    private static string Join(string prefix, string path) => path.Length == 0 ? prefix : prefix + "/" + RefPath(path);
}
