using System.Text.Json.Serialization;
using Anvil.Server.Browsing;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.PullRequests;

/// <summary>The JSON shapes of pull requests, reviews and review comments on each surface. The issue fields come from <see cref="IssueViews"/>.</summary>
public static class PullRequestViews
{
    // ---- sigmagit ----

    public sealed record RepoRef(string Id, string Name, string FullName, UserViews.Summary Owner);

    /// <param name="State">open, closed or merged.</param>
    /// <param name="Mergeable">Null while being computed.</param>
    public sealed record Sigmagit(string Id, int Number, string Title, string Body, string State, bool Locked, UserViews.Summary Author,
        List<IssueViews.LabelSummary> Labels, List<UserViews.Summary> Assignees, int CommentCount, DateTime CreatedAt, DateTime UpdatedAt,
        DateTime? ClosedAt, UserViews.Summary? ClosedBy,
        string HeadBranch, string HeadOid, string BaseBranch, string BaseOid, string? MergeBaseOid, RepoRef? HeadRepo, RepoRef BaseRepo,
        bool IsDraft, bool Merged, DateTime? MergedAt, UserViews.Summary? MergedBy, string? MergeCommitOid, bool? Mergeable,
        List<string> ConflictingPaths, bool HeadBranchDeleted, int Commits, int Additions, int Deletions, int ChangedFiles, ChecksView Checks);

    /// <param name="State">none, pending, success or failure: the head commit's check runs combined.</param>
    public sealed record ChecksView(string State, int Total, int Pending, int Succeeded, int Failed);

    public static ChecksView ToView(this Checks.CommitChecks c) => new(c.State.ToString().ToLowerInvariant(), c.Total, c.Pending, c.Succeeded, c.Failed);

    public sealed record Diff(string BaseOid, string HeadOid, IReadOnlyList<BrowsingViews.DiffFile> Files, BrowsingViews.DiffStats Stats, bool Truncated);

    public sealed record Review(string Id, string State, string Body, UserViews.Summary Author, string CommitOid, DateTime SubmittedAt);

    public sealed record ReviewComment(string Id, string Body, UserViews.Summary Author, string Path, int Line, string Side, string CommitOid,
        string DiffHunk, string? ReviewId, string? InReplyToId, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record PullRequestEnvelope(Sigmagit PullRequest);

    public sealed record PullRequestList(IEnumerable<Sigmagit> PullRequests, bool HasMore);

    public sealed record MergeOutcome(bool Merged, string? MergeCommitOid, Sigmagit PullRequest);

    public sealed record ReviewEnvelope(Review Review);

    public sealed record ReviewList(IEnumerable<Review> Reviews, bool HasMore);

    public sealed record ReviewCommentEnvelope(ReviewComment Comment);

    public sealed record ReviewCommentList(IEnumerable<ReviewComment> Comments, bool HasMore);

    private static RepoRef Ref(Repository r, string baseUrl) => new(r.Id.ToString(), r.Name, $"{r.Owner.Username}/{r.Name}", r.Owner.ToSummary(baseUrl));

    public static string StateName(PullRequestDetails d) => d.PullRequest.IsMerged ? "merged" : IssueRules.Name(d.Issue.State);

    public static Sigmagit ToSigmagit(this PullRequestDetails d, string baseUrl)
    {
        var i = d.Details.ToSigmagit(baseUrl);
        var p = d.PullRequest;
        return new Sigmagit(i.Id, i.Number, i.Title, i.Body, StateName(d), i.Locked, i.Author, i.Labels, i.Assignees, i.CommentCount,
            i.CreatedAt, i.UpdatedAt, i.ClosedAt, i.ClosedBy,
            p.HeadBranch, p.HeadOid, p.BaseBranch, p.BaseOid, p.MergeBaseOid, d.HeadRepository is { } h ? Ref(h, baseUrl) : null, Ref(d.Repository, baseUrl),
            p.IsDraft, p.IsMerged, p.MergedAt, p.MergedBy?.ToSummary(baseUrl), p.MergeCommitOid, p.Mergeable,
            p.ConflictingPathList.ToList(), p.HeadBranchDeleted, p.CommitCount, p.Additions, p.Deletions, p.ChangedFiles, d.Checks.ToView());
    }

    public static Diff ToSigmagit(this PullRequestDiff d) => new(d.FromOid, d.PullRequest.PullRequest.HeadOid,
        d.Diff.Files.Select(f => f.ToView()).ToList(), new BrowsingViews.DiffStats(d.Diff.FilesChanged, d.Diff.Additions, d.Diff.Deletions), d.Diff.IsTruncated);

    public static Review ToSigmagit(this PullRequestReview r, string baseUrl) =>
        new(r.Id.ToString(), r.State, r.Body, r.Author.ToSummary(baseUrl), r.CommitOid, r.SubmittedAt);

    public static ReviewComment ToSigmagit(this PullRequestReviewComment c, string baseUrl) =>
        new(c.Id.ToString(), c.Body, c.Author.ToSummary(baseUrl), c.Path, c.Line, c.Side, c.CommitOid, c.DiffHunk, c.ReviewId?.ToString(),
            c.InReplyToId?.ToString(), c.CreatedAt, c.UpdatedAt);

    // ---- v1 (GitHub) ----

    public sealed record V1Ref(string Label, string Ref, string Sha, UserViews.V1SimpleUser? User, RepositoryViews.V1? Repo);

    public sealed record V1PullRequest(string Url, long Id, string NodeId, string HtmlUrl, string DiffUrl, string PatchUrl, string IssueUrl,
        string CommitsUrl, string ReviewCommentsUrl, string ReviewCommentUrl, string CommentsUrl, string StatusesUrl, int Number, string State,
        bool Locked, string Title, UserViews.V1SimpleUser User, string? Body, List<IssueViews.V1Label> Labels, object? Milestone,
        string? ActiveLockReason, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ClosedAt, DateTime? MergedAt, string? MergeCommitSha,
        UserViews.V1SimpleUser? Assignee, List<UserViews.V1SimpleUser> Assignees, List<object> RequestedReviewers, List<object> RequestedTeams,
        V1Ref Head, V1Ref Base, string AuthorAssociation, object? AutoMerge, bool Draft, bool Merged, bool? Mergeable, bool? Rebaseable,
        string MergeableState, UserViews.V1SimpleUser? MergedBy, int Comments, int ReviewComments, bool MaintainerCanModify, int Commits,
        int Additions, int Deletions, int ChangedFiles, bool HeadBranchDeleted, List<string> ConflictingPaths);

    public sealed record V1MergeResult(string Sha, bool Merged, string Message);

    /// <summary>GitHub's hypermedia link object: <c>{"href": …}</c>.</summary>
    public sealed record V1Href(string Href);

    public sealed record V1ReviewLinks(V1Href Html, V1Href PullRequest);

    public sealed record V1ReviewCommentLinks(V1Href Self, V1Href Html, V1Href PullRequest);

    /// <param name="SubmittedAt">Left out of a pending review, as GitHub does (clients such as Octokit.NET cannot read a null there).</param>
    public sealed record V1Review(long Id, string NodeId, UserViews.V1SimpleUser User, string Body, string State, string HtmlUrl,
        string PullRequestUrl, string AuthorAssociation, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? SubmittedAt,
        string CommitId)
    {
        [JsonPropertyName("_links")]
        public V1ReviewLinks Links => new(new V1Href(HtmlUrl), new V1Href(PullRequestUrl));
    }

    public sealed record V1ReviewComment(string Url, long? PullRequestReviewId, long Id, string NodeId, string DiffHunk, string Path,
        int? Position, int? OriginalPosition, string CommitId, string OriginalCommitId, long? InReplyToId, UserViews.V1SimpleUser User, string Body, DateTime CreatedAt,
        DateTime UpdatedAt, string HtmlUrl, string PullRequestUrl, string AuthorAssociation, int Line, int OriginalLine, string Side,
        int? StartLine, string? StartSide, string SubjectType)
    {
        [JsonPropertyName("_links")]
        public V1ReviewCommentLinks Links => new(new V1Href(Url), new V1Href(HtmlUrl), new V1Href(PullRequestUrl));
    }

    private static string Api(Repository r, string baseUrl) => $"{baseUrl}/api/v1/repos/{r.Owner.Username}/{r.Name}";

    private static string Html(Repository r, string baseUrl) => $"{baseUrl}/{r.Owner.Username}/{r.Name}";

    /// <summary>
    /// GitHub's <c>mergeable_state</c>: draft (an open draft), unknown (being computed), dirty (conflicts), unstable
    /// (mergeable, but the head's checks are pending or failing), or clean.
    /// </summary>
    public static string MergeableState(PullRequestDetails d) =>
        d.PullRequest.IsDraft && d.Issue.State == IssueState.Open ? "draft"
        : d.PullRequest.Mergeable switch
        {
            null => "unknown",
            false => "dirty",
            true => d.Checks.State is Checks.CombinedCheckState.Pending or Checks.CombinedCheckState.Failure ? "unstable" : "clean",
        };

    /// <param name="repos">V1 views of the repositories involved, by id (see <see cref="ReposOf"/>).</param>
    public static V1PullRequest ToV1(this PullRequestDetails d, string baseUrl, IReadOnlyDictionary<long, RepositoryViews.V1> repos, int reviewComments)
    {
        var i = d.Details.ToV1(baseUrl);
        var (p, r) = (d.PullRequest, d.Repository);
        var api = $"{Api(r, baseUrl)}/pulls/{i.Number}";
        var html = $"{Html(r, baseUrl)}/pull/{i.Number}";
        var head = d.HeadRepository;
        var headRef = new V1Ref($"{head?.Owner.Username ?? "unknown"}:{p.HeadBranch}", p.HeadBranch, p.HeadOid, head?.Owner.ToV1Simple(baseUrl),
            head is null ? null : repos.GetValueOrDefault(head.Id));
        var baseRef = new V1Ref($"{r.Owner.Username}:{p.BaseBranch}", p.BaseBranch, p.BaseOid, r.Owner.ToV1Simple(baseUrl), repos.GetValueOrDefault(r.Id));
        return new V1PullRequest(api, p.Id, UserViews.NodeId("PR", p.Id), html, html + ".diff", html + ".patch", i.Url, api + "/commits",
            api + "/comments", $"{Api(r, baseUrl)}/pulls/comments{{/number}}", i.CommentsUrl, $"{Api(r, baseUrl)}/statuses/{p.HeadOid}",
            i.Number, i.State, i.Locked, i.Title, i.User, i.Body, i.Labels, null, null, i.CreatedAt, i.UpdatedAt, i.ClosedAt, p.MergedAt,
            p.MergeCommitOid, i.Assignee, i.Assignees, d.RequestedReviewers.Select(u => (object)u.ToV1Simple(baseUrl)).ToList(), [], headRef, baseRef, i.AuthorAssociation, null, p.IsDraft, p.IsMerged,
            p.Mergeable, p.Mergeable, MergeableState(d), p.MergedBy?.ToV1Simple(baseUrl), i.Comments, reviewComments, false,
            p.CommitCount, p.Additions, p.Deletions, p.ChangedFiles, p.HeadBranchDeleted, p.ConflictingPathList.ToList());
    }

    /// <summary>The base and (visible) head repositories of some pull requests, as v1 repository objects.</summary>
    public static async Task<Dictionary<long, RepositoryViews.V1>> ReposOf(IEnumerable<PullRequestDetails> prs, RepositoryViews views, CancellationToken ct)
    {
        var repos = prs.SelectMany(d => new[] { d.Repository, d.HeadRepository }).OfType<Repository>().DistinctBy(r => r.Id).ToList();
        var v1 = await views.V1Async(repos, ct);
        return repos.Select((r, i) => (r.Id, View: v1[i])).ToDictionary(x => x.Id, x => x.View);
    }

    /// <param name="association">The reviewer's <c>author_association</c> (<see cref="IssueService.AssociationsAsync"/>).</param>
    public static V1Review ToV1(this PullRequestReview review, PullRequestDetails pr, string association, string baseUrl) =>
        new(review.Id, UserViews.NodeId("PRR", review.Id), review.Author.ToV1Simple(baseUrl), review.Body, review.State,
            $"{Html(pr.Repository, baseUrl)}/pull/{pr.Issue.Number}#pullrequestreview-{review.Id}",
            $"{Api(pr.Repository, baseUrl)}/pulls/{pr.Issue.Number}", association, review.IsPending ? null : review.SubmittedAt, review.CommitOid);

    /// <param name="association">The commenter's <c>author_association</c> (<see cref="IssueService.AssociationsAsync"/>).</param>
    public static V1ReviewComment ToV1(this PullRequestReviewComment c, PullRequestDetails pr, string association, string baseUrl) =>
        c.ToV1(pr.Repository, pr.Issue.Number, association, baseUrl);

    /// <param name="number">The number of the comment's pull request in <paramref name="repo"/>.</param>
    public static V1ReviewComment ToV1(this PullRequestReviewComment c, Repository repo, int number, string association, string baseUrl) =>
        new($"{Api(repo, baseUrl)}/pulls/comments/{c.Id}", c.ReviewId, c.Id, UserViews.NodeId("PRRC", c.Id), c.DiffHunk, c.Path,
            c.Position, c.Position, c.CommitOid, c.CommitOid, c.InReplyToId, c.Author.ToV1Simple(baseUrl), c.Body, c.CreatedAt, c.UpdatedAt,
            $"{Html(repo, baseUrl)}/pull/{number}#discussion_r{c.Id}", $"{Api(repo, baseUrl)}/pulls/{number}",
            association, c.Line, c.Line, c.Side, null, null, "line");
}
