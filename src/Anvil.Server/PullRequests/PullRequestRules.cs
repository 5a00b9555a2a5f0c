using Anvil.Git;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.PullRequests;

public static class PullRequestRules
{
    public const string Merge = "merge";
    public const string Squash = "squash";
    public const string Rebase = "rebase";

    /// <summary>A pull request lists at most this many commits (GitHub: 250).</summary>
    public const int MaxCommits = 250;

    public static string HeadRef(int number) => $"refs/pull/{number}/head";

    /// <summary>Where a new pull request's head waits in the base repository until its number is committed.</summary>
    public static string StagedHeadRef(Guid attempt) => $"refs/anvil/staged-pulls/{attempt:N}";

    public static string Strategy(string? strategy) => strategy switch
    {
        null or "" or Merge => Merge,
        Squash => Squash,
        Rebase => Rebase,
        _ => throw AnvilException.Invalid("merge strategy must be one of merge, squash, rebase"),
    };

    public static string ValidBranch(string? branch, string field)
    {
        if (string.IsNullOrWhiteSpace(branch))
        {
            throw AnvilException.BadRequest($"{field} is required");
        }
        return RefNames.IsValidBranch(branch) ? branch : throw AnvilException.Invalid($"{field} is not a valid branch name");
    }

    public static AnvilException NotAllowed(string message) => new(FailureKind.NotAllowed, message) { GitHubMessage = AnvilException.NotMergeableText };

    /// <summary>The merge named a head other than the pull request's (GitHub's 409 and its text).</summary>
    public static AnvilException HeadModified() =>
        new(FailureKind.Conflict, "head branch was modified; review and try the merge again") { GitHubMessage = "Head branch was modified. Review and try the merge again." };
}
