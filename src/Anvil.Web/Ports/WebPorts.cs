using Anvil.Git.Reading;
using Anvil.Web.Rendering;
using Microsoft.AspNetCore.Http;

namespace Anvil.Web.Ports;

// The pages' view of the domain. Anvil.Server hosts this project, so this project cannot reference it back; these
// interfaces are the narrow seam, implemented in Anvil.Server/Web by adapters that call the domain services (and so
// every access rule) exactly as the API endpoints do. Git shapes (commits, trees, diffs) pass through as they are.

/// <summary>The signed-in person looking at a page.</summary>
public sealed record Viewer(string Username, string Name, string AvatarUrl, string? Theme, bool EmailVerified);

/// <param name="Language">The language most of its code is in (a list shows it), with its colour as six hex digits.</param>
public sealed record RepoSummary(string Owner, string Name, string Description, bool IsPrivate, string DefaultBranch,
    DateTime UpdatedAt, int Stars, int Forks, string? ForkedFrom, string? Language = null, string? LanguageColor = null)
{
    public string FullName => Owner + "/" + Name;
}

public sealed record UserProfile(string Username, string Name, string Bio, string AvatarUrl, string Location, string Website, DateTime CreatedAt);

public sealed record ProfileView(UserProfile User, IReadOnlyList<RepoSummary> Repos, IReadOnlyList<RepoSummary> Starred);

/// <summary>A repository as a page header shows it: who may do what, its refs and where to clone it from.</summary>
/// <param name="OpenIssues">Open issues, for the Issues tab; <paramref name="OpenPulls"/> likewise for pull requests.</param>
/// <param name="CanAdmin">The viewer administers it (the Settings tab).</param>
public sealed record RepoContext(RepoSummary Repo, bool CanWrite, IReadOnlyList<string> Branches, IReadOnlyList<string> Tags,
    string CloneUrl, bool IsEmpty, bool StarredByViewer, int OpenIssues = 0, int OpenPulls = 0, bool CanAdmin = false);

/// <summary>A signed-in viewer, or what went wrong (a message for a person) when signing in or up fails.</summary>
public sealed record FormResult(string? Error)
{
    public static readonly FormResult Done = new((string?)null);
    public bool Succeeded => Error is null;
}

public sealed record CreatedRepo(RepoSummary? Repo, string? Error);

public sealed record TokenRow(long Id, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt);

/// <param name="Plaintext">The new token, shown this once; null when <paramref name="Error"/> says why not.</param>
public sealed record CreatedToken(string? Plaintext, string? Error);

/// <summary>An issue or pull request found by search, with the repository it belongs to.</summary>
public sealed record IssueHit(string Owner, string Repo, IssueRow Row);

/// <summary>A page of search hits of one kind (the other lists are empty).</summary>
public sealed record SearchHits(IReadOnlyList<RepoSummary> Repos, IReadOnlyList<UserProfile> Users, IReadOnlyList<IssueHit> Issues, bool HasMore);

/// <summary>What a search looks for, as the tabs of /search name it.</summary>
public enum SearchKind { Repositories, Issues, PullRequests, Users }

/// <param name="LastCommits">Per entry name, the latest commit that touched it.</param>
/// <param name="NamesFile">The path is a file, not a directory (the page then sends the browser to its blob).</param>
public sealed record TreeView(RepoContext Context, string Ref, string Path, IReadOnlyList<GitTreeEntry> Entries,
    IReadOnlyDictionary<string, GitCommit> LastCommits, GitCommit? Head, bool NamesFile = false);

/// <param name="File">Null when the path is a directory (the page then sends the browser to its tree).</param>
public sealed record FileView(RepoContext Context, string Ref, string Path, GitFile? File);

/// <param name="Blame">Null for a binary or very large file, which has no lines to blame.</param>
public sealed record BlameView(RepoContext Context, string Ref, string Path, GitBlame? Blame);

/// <param name="Authors">Per commit oid, the username whose email authored it, where one does.</param>
public sealed record CommitsView(RepoContext Context, string Ref, string? Path, IReadOnlyList<GitCommit> Commits, bool HasMore,
    IReadOnlyDictionary<string, string> Authors);

/// <summary>A page of a repository's forks (those the viewer may see) or of the people who starred it.</summary>
public sealed record ForksView(RepoContext Context, IReadOnlyList<RepoSummary> Forks, bool HasMore);

public sealed record StargazersView(RepoContext Context, IReadOnlyList<UserProfile> Users, bool HasMore);

/// <param name="Fork">The new fork, or the viewer's existing one; null when <paramref name="Error"/> says why not.</param>
public sealed record ForkResult(RepoSummary? Fork, string? Error);

public sealed record CommitDiffView(RepoContext Context, GitCommit Commit, GitDiff Diff, string? AuthorUsername);

public interface IWebAccounts
{
    /// <summary>The viewer, or null when signed out.</summary>
    Viewer? Current { get; }

    /// <summary>Signs in and sets the session cookie on <paramref name="http"/>'s response.</summary>
    Task<FormResult> SignInAsync(HttpContext http, string? login, string? password);

    /// <summary>Creates the account, sends the verification mail and signs in.</summary>
    /// <param name="invitation">The invitation token, when sign-up is by invitation.</param>
    Task<FormResult> SignUpAsync(HttpContext http, string? email, string? username, string? password, string? invitation);

    /// <summary>Ends the cookie's session and clears the cookie.</summary>
    Task SignOutAsync(HttpContext http);

    /// <summary>Mails a reset link if an account has that address; succeeds the same either way.</summary>
    Task<FormResult> RequestPasswordResetAsync(HttpContext http, string? email);

    /// <summary>Sets a new password with a mailed token (which signs the account out everywhere).</summary>
    Task<FormResult> ResetPasswordAsync(HttpContext http, string? token, string? password);

    /// <summary>Verifies the address a mailed verification token was sent to; a used, expired or stale token says why not.</summary>
    Task<FormResult> VerifyEmailAsync(string? token, CancellationToken ct);

    /// <summary>Mails the signed-in viewer a new verification link, unless their address is verified already.</summary>
    Task<FormResult> SendVerificationAsync(HttpContext http);

    /// <summary>The scopes a personal access token may carry, in their canonical order.</summary>
    IReadOnlyList<string> TokenScopes { get; }

    Task<IReadOnlyList<TokenRow>> TokensAsync(CancellationToken ct);

    Task<CreatedToken> CreateTokenAsync(string? name, IReadOnlyCollection<string> scopes, int? expiresInDays, CancellationToken ct);

    /// <summary>Revokes one of the viewer's tokens; another's is "not found".</summary>
    Task RevokeTokenAsync(long id, CancellationToken ct);
}

/// <summary>What /settings/profile edits. <paramref name="Theme"/> is "light", "dark" or "system".</summary>
public sealed record ProfileSettings(string Name, string Bio, string Location, string Website, string Company, string Pronouns,
    string Email, bool EmailVerified, string AvatarUrl, bool HasAvatar, string Theme);

/// <param name="IsCurrent">The session of the browser looking at the page.</param>
public sealed record SessionRow(long Id, string? UserAgent, DateTime CreatedAt, DateTime ExpiresAt, bool IsCurrent);

/// <summary>The signed-in viewer's own settings; each method needs a signed-in session, as the API's do.</summary>
public interface IWebSettings
{
    Task<ProfileSettings> ProfileAsync(CancellationToken ct);

    /// <summary>Saves the profile fields (each as given; an empty one is cleared, but a name cannot be).</summary>
    Task<FormResult> UpdateProfileAsync(string? name, string? bio, string? location, string? website, string? company, string? pronouns, CancellationToken ct);

    /// <summary>Replaces the avatar with an uploaded PNG, JPEG, GIF or WebP image (checked by content).</summary>
    Task<FormResult> SetAvatarAsync(IFormFile? file, CancellationToken ct);

    Task RemoveAvatarAsync(CancellationToken ct);

    /// <summary>Sets the theme preference the pages follow ("system" leaves it to the browser).</summary>
    Task<FormResult> SetThemeAsync(string? theme, CancellationToken ct);

    Task<IReadOnlyList<SessionRow>> SessionsAsync(HttpContext http, CancellationToken ct);

    /// <summary>Changes the password after checking the current one; every other session ends, this browser stays signed in.</summary>
    Task<FormResult> ChangePasswordAsync(HttpContext http, string? current, string? replacement, string? confirmation);

    /// <summary>Ends every session of the viewer's, this browser's included.</summary>
    Task SignOutEverywhereAsync(HttpContext http);
}

public interface IWebRepositories
{
    /// <summary>Repositories the viewer may see, recently updated first.</summary>
    Task<IReadOnlyList<RepoSummary>> ExploreAsync(int limit, CancellationToken ct);

    /// <summary>The viewer's own repositories and those they collaborate on.</summary>
    Task<IReadOnlyList<RepoSummary>> MineAsync(int limit, CancellationToken ct);

    /// <summary>A user, the repositories of theirs and those they starred that the viewer may see; a missing user is "not found".</summary>
    Task<ProfileView> ProfileAsync(string username, CancellationToken ct);

    Task<CreatedRepo> CreateAsync(string? name, string? description, bool isPrivate, bool withReadme, CancellationToken ct);

    /// <summary>
    /// Where a document's references lead: which <paramref name="usernames"/> are people, and which
    /// <paramref name="numbers"/> are issues or pull requests of <paramref name="owner"/>/<paramref name="repo"/>
    /// (a repository the viewer reads; none outside one).
    /// </summary>
    Task<Markdown.References> ReferencesAsync(string? owner, string? repo, IReadOnlySet<string> usernames, IReadOnlySet<int> numbers, CancellationToken ct);

    /// <summary>The API's search (same qualifiers, same visibility filter) for one kind of thing.</summary>
    Task<SearchHits> SearchAsync(string query, SearchKind kind, int offset, int limit, CancellationToken ct);
}

/// <summary>
/// Code browsing. Every method refuses, as the API does, what the viewer may not read (the host turns that into the 404
/// page); <c>rest</c> arguments are a URL's "{ref}/{path}" tail, split at the longest branch or tag name it starts with.
/// </summary>
public interface IWebCode
{
    Task<RepoContext> OpenAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Stars or unstars for the signed-in viewer (idempotent).</summary>
    Task SetStarAsync(string owner, string repo, bool starred, CancellationToken ct);

    /// <summary>Forks into the signed-in viewer's account, as the API does; a viewer who already forked it gets that fork.</summary>
    Task<ForkResult> ForkAsync(string owner, string repo, CancellationToken ct);

    Task<ForksView> ForksAsync(string owner, string repo, int skip, int limit, CancellationToken ct);

    Task<StargazersView> StargazersAsync(string owner, string repo, int skip, int limit, CancellationToken ct);

    Task<TreeView> TreeAsync(string owner, string repo, string? rest, CancellationToken ct);

    Task<FileView> FileAsync(string owner, string repo, string rest, CancellationToken ct);

    Task<BlameView> BlameAsync(string owner, string repo, string rest, CancellationToken ct);

    Task<CommitsView> CommitsAsync(string owner, string repo, string? rest, int skip, int limit, CancellationToken ct);

    Task<CommitDiffView> CommitAsync(string owner, string repo, string sha, CancellationToken ct);

    /// <summary>Writes a file's bytes as the raw route serves them (never as HTML from this origin).</summary>
    Task WriteRawAsync(HttpContext http, string owner, string repo, string rest);
}

public sealed record LabelChip(string Name, string Color, string Description);

/// <param name="IsMerged">A merged pull request (closed, but shown as merged).</param>
public sealed record IssueRow(int Number, string Title, bool IsPull, bool IsOpen, bool IsMerged, bool IsDraft, string Author,
    DateTime CreatedAt, DateTime? ClosedAt, int Comments, IReadOnlyList<LabelChip> Labels);

/// <summary>A page of a repository's issues or pull requests, open or closed, as <paramref name="Query"/> filters and orders them.</summary>
/// <param name="OpenCount">Open ones in the repository; null when a filter is applied (the tabs then show no counts).</param>
/// <param name="RepoLabels">The repository's labels, for the label filter.</param>
public sealed record IssueListView(RepoContext Context, bool Pulls, IssueQuery Query, int? OpenCount, int? ClosedCount, IReadOnlyList<IssueRow> Items, bool HasMore,
    IReadOnlyList<LabelChip> RepoLabels)
{
    public bool Closed => Query.Closed;
}

/// <param name="Association">GitHub's author association ("Owner", "Member", "Collaborator", "Contributor"), or empty.</param>
/// <param name="CanModerate">The viewer may edit and delete it (its author, or a collaborator).</param>
public sealed record CommentView(long Id, string Author, string AuthorAvatarUrl, string Association, DateTime CreatedAt, DateTime UpdatedAt, string Body,
    bool CanModerate = false);

/// <summary>
/// Something that happened to an issue besides a comment, named as GitHub's issue events are ("labeled", "assigned",
/// "renamed", "closed", "merged", "referenced", "cross-referenced", "reviewed"…), with what the kind needs.
/// </summary>
/// <param name="Actor">Who did it; null for a deleted account.</param>
/// <param name="Subject">The person assigned or unassigned.</param>
/// <param name="Source">The issue or pull request that mentions this one, for "cross-referenced".</param>
/// <param name="StateReason">A close's reason; for a review ("reviewed"), its verdict: APPROVED, CHANGES_REQUESTED or COMMENTED.</param>
/// <param name="Body">A review's text (Markdown).</param>
/// <param name="Lines">A review's line comments, as the conversation quotes them.</param>
public sealed record EventView(long Id, string Kind, string? Actor, DateTime At, LabelChip? Label = null, string? Subject = null, string? RenamedFrom = null,
    string? RenamedTo = null, string? CommitId = null, IssueRow? Source = null, string? StateReason = null, string? Body = null,
    IReadOnlyList<ReviewLineView>? Lines = null);

/// <summary>A line comment of a review: where it is (for a link into Files changed) and what it says (Markdown).</summary>
public sealed record ReviewLineView(long Id, string Path, int Line, string Side, string Body);

/// <summary>One entry of a conversation: a comment or an event.</summary>
public sealed record TimelineEntry(CommentView? Comment, EventView? Event)
{
    public DateTime At => Comment?.CreatedAt ?? Event!.At;
}

/// <param name="HeadLabel">"branch", or "owner:branch" from a fork.</param>
public sealed record PullInfo(string BaseBranch, string HeadLabel, string? MergedBy, DateTime? MergedAt, int Commits, int Additions, int Deletions,
    int ChangedFiles, bool? Mergeable);

/// <summary>What the viewer may do to an issue, by the rules the services enforce (the page shows only what will work).</summary>
/// <param name="Edit">Change the title and the opening post.</param>
/// <param name="ChangeState">Close and reopen.</param>
/// <param name="Triage">Labels, assignees and the lock.</param>
public sealed record IssuePermissions(bool Edit, bool ChangeState, bool Triage)
{
    public static readonly IssuePermissions None = new(false, false, false);
}

/// <summary>An issue or pull request and its conversation. <paramref name="Pull"/> is null for an issue.</summary>
/// <param name="MoreTimeline">The conversation is longer than the page shows.</param>
/// <param name="RepoLabels">Every label of the repository, for those who may triage (empty for others).</param>
/// <param name="AssigneeCandidates">Who may be assigned (the owner and collaborators), for those who may triage.</param>
public sealed record IssueView(RepoContext Context, IssueRow Issue, CommentView Opening, IReadOnlyList<TimelineEntry> Timeline, bool MoreTimeline,
    IReadOnlyList<string> Assignees, string? StateReason, bool Locked, PullInfo? Pull, IssuePermissions May,
    IReadOnlyList<LabelChip> RepoLabels, IReadOnlyList<string> AssigneeCandidates);

/// <summary>A repository's labels, each with how many open issues and pull requests carry it.</summary>
public sealed record LabelsView(RepoContext Context, IReadOnlyList<LabelRow> Labels);

public sealed record LabelRow(LabelChip Label, int OpenIssues);

/// <summary>Which of a repository's issues or pull requests a list shows (GitHub's list filters).</summary>
/// <param name="Label">Names that must all be on it.</param>
/// <param name="Assignee">A username, or "none" for unassigned.</param>
/// <param name="Sort">"created" (default), "updated" or "comments"; <paramref name="Ascending"/> reverses it.</param>
public sealed record IssueQuery(bool Closed, string? Author = null, IReadOnlyList<string>? Label = null, string? Assignee = null, string Sort = "created",
    bool Ascending = false)
{
    public bool IsPlain => Author is null && (Label is null || Label.Count == 0) && Assignee is null && Sort == "created" && !Ascending;
}

/// <summary>Issues and pull requests, read and changed through the same services (and access rules) as the API.</summary>
public interface IWebIssues
{
    Task<IssueListView> ListAsync(string owner, string repo, bool pulls, IssueQuery query, int skip, int limit, CancellationToken ct);

    /// <summary>Issue or pull request <paramref name="number"/>, either kind; the page sends the browser to the other kind's URL.</summary>
    Task<IssueView> GetAsync(string owner, string repo, int number, CancellationToken ct);

    /// <summary>Opens an issue as the signed-in viewer; the new issue's number, or why not.</summary>
    Task<OpenedIssue> OpenAsync(string owner, string repo, string? title, string? body, CancellationToken ct);

    /// <summary>Comments on an issue or pull request as the signed-in viewer; the new comment's id, or why not.</summary>
    Task<PostedComment> CommentAsync(string owner, string repo, int number, string? body, CancellationToken ct);

    /// <summary>Closes (with GitHub's reason, "completed" or "not_planned") or reopens an issue or pull request.</summary>
    Task<FormResult> SetStateAsync(string owner, string repo, int number, bool open, string? reason, CancellationToken ct);

    /// <summary>Changes the title or the opening post (null leaves one as it is).</summary>
    Task<FormResult> EditAsync(string owner, string repo, int number, string? title, string? body, CancellationToken ct);

    /// <summary>Sets exactly these labels (by name).</summary>
    Task<FormResult> SetLabelsAsync(string owner, string repo, int number, IReadOnlyList<string> labels, CancellationToken ct);

    /// <summary>Sets exactly these assignees (by username).</summary>
    Task<FormResult> SetAssigneesAsync(string owner, string repo, int number, IReadOnlyList<string> usernames, CancellationToken ct);

    Task<FormResult> SetLockAsync(string owner, string repo, int number, bool locked, CancellationToken ct);

    Task<FormResult> EditCommentAsync(string owner, string repo, int number, long commentId, string? body, CancellationToken ct);

    Task<FormResult> DeleteCommentAsync(string owner, string repo, int number, long commentId, CancellationToken ct);

    Task<LabelsView> LabelsAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Creates a label (<paramref name="name"/> null) or changes label <paramref name="name"/>.</summary>
    Task<FormResult> SaveLabelAsync(string owner, string repo, string? name, string? newName, string? color, string? description, CancellationToken ct);

    Task<FormResult> DeleteLabelAsync(string owner, string repo, string name, CancellationToken ct);

    /// <summary>
    /// A stamp of everything an issue's or pull request's page shows (comments, events, reviews, state, head, checks): the
    /// page carries it, and a changed stamp means the page is out of date.
    /// </summary>
    Task<string> VersionAsync(string owner, string repo, int number, CancellationToken ct);

    /// <summary>Server-sent events to an open page: one "changed" as soon as <c>?since=</c> is no longer the stamp, then the end.</summary>
    Task StreamChangesAsync(HttpContext http, string owner, string repo, int number);
}

public sealed record OpenedIssue(int? Number, string? Error);

public sealed record PostedComment(long? Id, string? Error);

public enum ActivityKind { Pushed, OpenedIssue, ClosedIssue, OpenedPull, MergedPull, ClosedPull, Commented }

/// <summary>Something that happened in one of the viewer's repositories.</summary>
/// <param name="Actor">Who did it (a username), or for a push the latest commit's author name.</param>
/// <param name="Detail">A push's branch, or the text a comment starts with.</param>
public sealed record ActivityItem(DateTime At, ActivityKind Kind, string Actor, bool ActorIsUser, string Owner, string Repo, string Title, string Url, string? Detail);

/// <summary>The signed-in home page: the viewer's repositories, work waiting for them, and what happened lately.</summary>
/// <param name="AwaitingReview">Open pull requests, in repositories the viewer may write to, by others, not yet reviewed by the viewer at their head.</param>
public sealed record DashboardView(IReadOnlyList<RepoSummary> Repos, bool MoreRepos, IReadOnlyList<IssueHit> Assigned, IReadOnlyList<IssueHit> AwaitingReview,
    IReadOnlyList<ActivityItem> Activity);

public interface IWebDashboard
{
    /// <summary>The signed-in viewer's dashboard.</summary>
    Task<DashboardView> LoadAsync(CancellationToken ct);
}

/// <param name="Url">The page it is about, or null when that is gone (a deleted repository).</param>
public sealed record NotificationRow(long Id, string? Repository, string SubjectType, int Number, string Title, string Reason, string? Actor,
    bool Unread, DateTime CreatedAt, string? Url);

public sealed record NotificationsView(IReadOnlyList<NotificationRow> Items, bool HasMore, int UnreadCount);

/// <summary>The signed-in viewer's notifications, as the API filters them (only about what they may still read).</summary>
public interface IWebNotifications
{
    Task<NotificationsView> ListAsync(bool all, int skip, int limit, CancellationToken ct);

    /// <summary>Unread notifications, for the header; 0 when signed out.</summary>
    Task<int> UnreadCountAsync(CancellationToken ct);

    Task MarkReadAsync(long id, CancellationToken ct);

    Task MarkAllReadAsync(CancellationToken ct);
}
