using System.Text.Json.Serialization;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Issues;

/// <summary>The JSON shapes of issues, comments and labels on each surface. Every endpoint that shows one uses these.</summary>
public static class IssueViews
{
    // ---- sigmagit ----

    public sealed record LabelSummary(string Id, string Name, string Color, string Description);

    public sealed record Sigmagit(string Id, int Number, string Title, string Body, string State, bool Locked, UserViews.Summary Author,
        List<LabelSummary> Labels, List<UserViews.Summary> Assignees, int CommentCount, DateTime CreatedAt, DateTime UpdatedAt,
        DateTime? ClosedAt, UserViews.Summary? ClosedBy,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RepositoryRef? Repository = null);

    /// <summary>Where a hit lives, for lists that span repositories (search); a repository's own lists leave it out.</summary>
    public sealed record RepositoryRef(string Name, string Owner);

    public sealed record CommentSigmagit(string Id, int IssueNumber, string Body, UserViews.Summary Author, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record IssueEnvelope(Sigmagit Issue);

    public sealed record IssueList(IEnumerable<Sigmagit> Issues, bool HasMore, int OpenCount, int ClosedCount);

    public sealed record CommentEnvelope(CommentSigmagit Comment);

    public sealed record CommentList(IEnumerable<CommentSigmagit> Comments, bool HasMore);

    public sealed record LabelEnvelope(LabelSummary Label);

    public sealed record LabelList(IEnumerable<LabelSummary> Labels, bool HasMore);

    public static LabelSummary ToSummary(this Label l) => new(l.Id.ToString(), l.Name, l.Color, l.Description);

    public static Sigmagit ToSigmagit(this IssueDetails d, string baseUrl)
    {
        var i = d.Issue;
        return new Sigmagit(i.Id.ToString(), i.Number, i.Title, i.Body, IssueRules.Name(i.State), i.Locked, i.Author.ToSummary(baseUrl),
            d.Labels.Select(ToSummary).ToList(), d.Assignees.Select(u => u.ToSummary(baseUrl)).ToList(), d.CommentCount,
            i.CreatedAt, i.UpdatedAt, i.ClosedAt, i.ClosedBy?.ToSummary(baseUrl));
    }

    public static CommentSigmagit ToSigmagit(this CommentDetails d, string baseUrl) =>
        new(d.Comment.Id.ToString(), d.Issue.Number, d.Comment.Body, d.Comment.Author.ToSummary(baseUrl), d.Comment.CreatedAt, d.Comment.UpdatedAt);

    // ---- v1 (GitHub) ----

    public sealed record V1Label(long Id, string NodeId, string Url, string Name, string Color, bool Default, string? Description);

    public sealed record V1PullRequestLinks(string Url, string HtmlUrl, string DiffUrl, string PatchUrl);

    public sealed record V1Issue(long Id, string NodeId, string Url, string RepositoryUrl, string LabelsUrl, string CommentsUrl,
        string EventsUrl, string HtmlUrl, int Number, string State, string? StateReason, string Title, string? Body,
        UserViews.V1SimpleUser User, List<V1Label> Labels, UserViews.V1SimpleUser? Assignee, List<UserViews.V1SimpleUser> Assignees,
        object? Milestone, bool Locked, string? ActiveLockReason, int Comments,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V1PullRequestLinks? PullRequest,
        DateTime? ClosedAt, DateTime CreatedAt, DateTime UpdatedAt, UserViews.V1SimpleUser? ClosedBy, string AuthorAssociation,
        // Only on the lists across repositories (GET /issues, /user/issues), as on GitHub.
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Repositories.RepositoryViews.V1? Repository = null);

    public sealed record V1Comment(long Id, string NodeId, string Url, string HtmlUrl, string IssueUrl, string Body,
        UserViews.V1SimpleUser User, DateTime CreatedAt, DateTime UpdatedAt, string AuthorAssociation);

    private static string ApiRepoUrl(Repository r, string baseUrl) => $"{baseUrl}/api/v1/repos/{r.Owner.Username}/{r.Name}";

    private static string HtmlRepoUrl(Repository r, string baseUrl) => $"{baseUrl}/{r.Owner.Username}/{r.Name}";

    public static V1Label ToV1(this Label l, Repository repo, string baseUrl) =>
        new(l.Id, UserViews.NodeId("LA", l.Id), $"{ApiRepoUrl(repo, baseUrl)}/labels/{Uri.EscapeDataString(l.Name)}", l.Name, l.Color,
            l.IsDefault, l.Description.Length == 0 ? null : l.Description);

    public static V1Issue ToV1(this IssueDetails d, string baseUrl)
    {
        var (r, i) = (d.Repository, d.Issue);
        var api = $"{ApiRepoUrl(r, baseUrl)}/issues/{i.Number}";
        var assignees = d.Assignees.Select(u => u.ToV1Simple(baseUrl)).ToList();
        var pull = i.IsPullRequest
            ? new V1PullRequestLinks($"{ApiRepoUrl(r, baseUrl)}/pulls/{i.Number}", $"{HtmlRepoUrl(r, baseUrl)}/pull/{i.Number}",
                $"{HtmlRepoUrl(r, baseUrl)}/pull/{i.Number}.diff", $"{HtmlRepoUrl(r, baseUrl)}/pull/{i.Number}.patch")
            : null;
        return new V1Issue(i.Id, UserViews.NodeId("I", i.Id), api, ApiRepoUrl(r, baseUrl), api + "/labels{/name}", api + "/comments",
            api + "/events", $"{HtmlRepoUrl(r, baseUrl)}/{(i.IsPullRequest ? "pull" : "issues")}/{i.Number}", i.Number,
            IssueRules.Name(i.State), i.StateReason, i.Title, i.Body.Length == 0 ? null : i.Body, i.Author.ToV1Simple(baseUrl),
            d.Labels.Select(l => l.ToV1(r, baseUrl)).ToList(), assignees.FirstOrDefault(), assignees, null, i.Locked, i.Locked ? i.ActiveLockReason : null,
            d.CommentCount, pull, i.ClosedAt, i.CreatedAt, i.UpdatedAt, i.ClosedBy?.ToV1Simple(baseUrl), d.AuthorAssociation);
    }

    public static V1Comment ToV1(this CommentDetails d, string baseUrl)
    {
        var (r, i, c) = (d.Repository, d.Issue, d.Comment);
        return new V1Comment(c.Id, UserViews.NodeId("IC", c.Id), $"{ApiRepoUrl(r, baseUrl)}/issues/comments/{c.Id}",
            $"{HtmlRepoUrl(r, baseUrl)}/{(i.IsPullRequest ? "pull" : "issues")}/{i.Number}#issuecomment-{c.Id}",
            $"{ApiRepoUrl(r, baseUrl)}/issues/{i.Number}", c.Body, c.Author.ToV1Simple(baseUrl), c.CreatedAt, c.UpdatedAt, d.AuthorAssociation);
    }
}
