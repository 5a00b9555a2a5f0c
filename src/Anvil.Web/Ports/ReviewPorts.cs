namespace Anvil.Web.Ports;

/// <summary>The viewer's pending review on a pull request (GitHub's): only they see it and its comments until they submit it.</summary>
public sealed record PendingReviewView(long Id, int Comments);

/// <summary>
/// What the line comment form of the Files changed tab posts: a new comment on <paramref name="Line"/> of <paramref name="Path"/>
/// on <paramref name="Side"/> ("R" or "L"), or a reply in the thread <paramref name="InReplyTo"/> starts.
/// </summary>
/// <param name="ToReview">Into the viewer's pending review (started if they have none) rather than posted at once.</param>
public sealed record LineCommentForm(string? Path, string? Side, int? Line, long? InReplyTo, string? Body, bool ToReview);
