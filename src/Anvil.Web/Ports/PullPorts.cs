using Anvil.Git.Reading;

namespace Anvil.Web.Ports;

/// <summary>
/// Two branches compared, as /compare/{base}...{head} shows them before a pull request is opened. <paramref name="Head"/> is
/// a branch of this repository, or "owner:branch" of a fork in its network.
/// </summary>
/// <param name="HeadChoices">Branches one may compare: this repository's, then the viewer's fork's as "owner:branch".</param>
/// <param name="Authors">Per commit oid, the username whose email authored it, where one does.</param>
/// <param name="Diff">Null when there is nothing to show (<paramref name="Problem"/> says why).</param>
/// <param name="DiffAt">The commit the diff's files are viewed at, and the repository holding it ("owner/name").</param>
/// <param name="OpenPull">The number of an open pull request from this head into this base, if there is one.</param>
/// <param name="CanOpen">The viewer may open a pull request here (signed in, and may read both repositories).</param>
public sealed record CompareView(RepoContext Context, string Base, string Head, IReadOnlyList<string> HeadChoices, IReadOnlyList<GitCommit> Commits,
    IReadOnlyDictionary<string, string> Authors, GitDiff? Diff, string? DiffAt, string DiffRepository, int AheadBy, int BehindBy, int? OpenPull,
    string? Problem, bool CanOpen);

/// <summary>Comparing branches and opening pull requests, through the same services (and rules) as the API.</summary>
public interface IWebPulls
{
    /// <summary>The comparison; a missing branch or unrelated histories are a <see cref="CompareView.Problem"/>, not an error page.</summary>
    Task<CompareView> CompareAsync(string owner, string repo, string @base, string head, CancellationToken ct);

    /// <summary>The heads one may compare with a base here: this repository's branches, then the viewer's fork's as "owner:branch".</summary>
    Task<IReadOnlyList<string>> HeadChoicesAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Opens a pull request from <paramref name="head"/> ("branch" or "owner:branch") into <paramref name="base"/>.</summary>
    Task<OpenedIssue> OpenAsync(string owner, string repo, string @base, string head, string? title, string? body, bool draft, CancellationToken ct);
}
