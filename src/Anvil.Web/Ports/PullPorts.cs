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

/// <summary>
/// What the merge box of an open pull request says and offers. <paramref name="State"/> is GitHub's <c>mergeable_state</c>
/// (clean, unstable, dirty, unknown, draft), or "merged" / "closed".
/// </summary>
/// <param name="ConflictingFiles">The files that conflict with the base, when <paramref name="State"/> is dirty.</param>
/// <param name="CanMerge">The viewer may merge (writes to the base repository).</param>
/// <param name="CanMarkReady">The viewer may turn a draft into a pull request ready for review (its author or a writer).</param>
/// <param name="HeadOid">The head commit the viewer saw: a merge of anything newer is refused rather than surprising them.</param>
/// <param name="CanDeleteHead">Merged or closed, with its head branch still there and the viewer allowed to delete it.</param>
public sealed record MergeBoxView(string State, IReadOnlyList<string> ConflictingFiles, int ChecksTotal, int ChecksPending, int ChecksFailed,
    bool CanMerge, bool CanMarkReady, string HeadOid, string HeadLabel, bool CanDeleteHead);

/// <summary>The merge box's actions, through the pull request services.</summary>
public interface IWebMergeBox
{
    Task<MergeBoxView> LoadAsync(string owner, string repo, int number, CancellationToken ct);

    /// <summary>Merges with "merge", "squash" or "rebase"; an empty title or message leaves the service's default.</summary>
    Task<FormResult> MergeAsync(string owner, string repo, int number, string? strategy, string? title, string? message, string? sha, CancellationToken ct);

    Task<FormResult> SetDraftAsync(string owner, string repo, int number, bool draft, CancellationToken ct);

    Task<FormResult> DeleteHeadBranchAsync(string owner, string repo, int number, CancellationToken ct);
}

/// <summary>A comment on one line of a pull request's diff. <paramref name="Side"/> is "RIGHT" (the new line) or "LEFT".</summary>
/// <param name="InReplyTo">For a reply, the first comment of its thread.</param>
/// <param name="Pending">In the viewer's pending review: no one else sees it yet.</param>
public sealed record LineCommentView(long Id, string Author, string Path, int Line, string Side, string Body, DateTime CreatedAt, long? InReplyTo = null,
    bool Pending = false);

/// <summary>A pull request's "Files changed" tab: its diff, the comments on its lines, and whether the viewer may review.</summary>
/// <param name="CanReview">Signed in and allowed to review (approving or requesting changes needs someone other than the author).</param>
/// <param name="Pending">The viewer's pending review, if they have one.</param>
public sealed record PullFilesView(GitDiff Diff, string HeadOid, IReadOnlyList<LineCommentView> Comments, bool CanReview, bool IsAuthor,
    PendingReviewView? Pending = null);

/// <summary>A pull request's "Commits" tab.</summary>
public sealed record PullCommitsView(IReadOnlyList<GitCommit> Commits, IReadOnlyDictionary<string, string> Authors, bool HasMore);

/// <summary>A pull request's tabs besides the conversation, and reviewing, through the pull request services.</summary>
public interface IWebPullTabs
{
    Task<PullFilesView> FilesAsync(string owner, string repo, int number, CancellationToken ct);

    Task<PullCommitsView> CommitsAsync(string owner, string repo, int number, CancellationToken ct);

    /// <summary>
    /// Submits the viewer's pending review, or a new review when they have none: <paramref name="verdict"/> is "comment",
    /// "approve" or "request_changes".
    /// </summary>
    Task<FormResult> ReviewAsync(string owner, string repo, int number, string? verdict, string? body, CancellationToken ct);

    /// <summary>Comments on a line of the diff at the head commit, or replies in a thread: at once, or into the viewer's pending review.</summary>
    Task<FormResult> CommentOnLineAsync(string owner, string repo, int number, LineCommentForm form, CancellationToken ct);

    /// <summary>Deletes the viewer's pending review and its comments.</summary>
    Task<FormResult> DiscardReviewAsync(string owner, string repo, int number, CancellationToken ct);
}
