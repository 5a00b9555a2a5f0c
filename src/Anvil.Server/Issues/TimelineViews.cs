using System.Text.Json.Serialization;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Issues;

/// <summary>GitHub's issue event and timeline shapes (<c>/issues/{n}/events</c>, <c>/issues/events</c>, <c>/issues/{n}/timeline</c>).</summary>
public static class TimelineViews
{
    private const JsonIgnoreCondition OnlyWhenSet = JsonIgnoreCondition.WhenWritingNull;

    public sealed record V1EventLabel(string Name, string Color);

    public sealed record V1Rename(string From, string To);

    /// <summary>GitHub's <c>dismissed_review</c>: the verdict the review had (lower case), which review, why, and at which head.</summary>
    public sealed record V1DismissedReview(string State, long? ReviewId, string? DismissalMessage, string? DismissalCommitId);

    /// <param name="Actor">Null for a deleted account, as GitHub's events of a "ghost".</param>
    public sealed record V1Event(long Id, string NodeId, string Url, UserViews.V1SimpleUser? Actor, string Event, string? CommitId, string? CommitUrl,
        DateTime CreatedAt, object? PerformedViaGithubApp,
        [property: JsonIgnore(Condition = OnlyWhenSet)] V1EventLabel? Label,
        [property: JsonIgnore(Condition = OnlyWhenSet)] UserViews.V1SimpleUser? Assignee,
        [property: JsonIgnore(Condition = OnlyWhenSet)] UserViews.V1SimpleUser? Assigner,
        [property: JsonIgnore(Condition = OnlyWhenSet)] V1Rename? Rename,
        [property: JsonIgnore(Condition = OnlyWhenSet)] string? StateReason,
        [property: JsonIgnore(Condition = OnlyWhenSet)] V1DismissedReview? DismissedReview,
        [property: JsonIgnore(Condition = OnlyWhenSet)] IssueViews.V1Issue? Issue);

    /// <summary>A comment as the timeline lists it: the comment's own fields, with <c>event: "commented"</c> and its actor.</summary>
    public sealed record V1Commented(string Event, long Id, string NodeId, string Url, string HtmlUrl, string IssueUrl, string Body,
        UserViews.V1SimpleUser User, UserViews.V1SimpleUser Actor, DateTime CreatedAt, DateTime UpdatedAt, string AuthorAssociation);

    public sealed record V1Source(string Type, IssueViews.V1Issue Issue);

    public sealed record V1CrossReferenced(string Event, UserViews.V1SimpleUser? Actor, DateTime CreatedAt, DateTime UpdatedAt, V1Source Source);

    public static V1Event ToV1(this TimelineEvent t, Repository repo, string baseUrl, IssueDetails? withIssue = null)
    {
        var api = $"{baseUrl}/api/v1/repos/{repo.Owner.Username}/{repo.Name}";
        var assignment = t.Kind is TimelineKinds.Assigned or TimelineKinds.Unassigned;
        var dismissal = t.Kind == TimelineKinds.ReviewDismissed;
        return new V1Event(t.Id, UserViews.NodeId("IE", t.Id), $"{api}/issues/events/{t.Id}", t.Actor?.ToV1Simple(baseUrl), t.Kind,
            dismissal ? null : t.CommitId, !dismissal && t.CommitId is { } sha ? $"{api}/commits/{sha}" : null, t.CreatedAt, null,
            t.LabelName is { } label ? new V1EventLabel(label, t.LabelColor ?? "") : null,
            assignment ? t.SubjectUser?.ToV1Simple(baseUrl) : null,
            assignment && t.SubjectUserId is not null ? t.Actor?.ToV1Simple(baseUrl) : null,
            t.RenamedFrom is { } from ? new V1Rename(from, t.RenamedTo ?? "") : null,
            t.Kind == TimelineKinds.Closed ? t.StateReason : null,
            dismissal ? new V1DismissedReview((t.StateReason ?? "").ToLowerInvariant(), t.ReviewId, t.Message, t.CommitId) : null,
            withIssue?.ToV1(baseUrl));
    }

    public static V1Event ToV1(this IssueEventDetails d, string baseUrl) => d.Event.ToV1(d.Issue.Repository, baseUrl, d.Issue);

    /// <summary>One timeline entry in its own shape (the serializer writes each by its runtime type).</summary>
    public static object ToV1(this TimelineItem item, Repository repo, string baseUrl)
    {
        if (item.Comment is { } comment)
        {
            var c = comment.ToV1(baseUrl);
            return new V1Commented("commented", c.Id, c.NodeId, c.Url, c.HtmlUrl, c.IssueUrl, c.Body, c.User, c.User, c.CreatedAt, c.UpdatedAt, c.AuthorAssociation);
        }
        var t = item.Event!;
        if (t.Kind == TimelineKinds.CrossReferenced && item.Source is { } source)
        {
            return new V1CrossReferenced(t.Kind, t.Actor?.ToV1Simple(baseUrl), t.CreatedAt, t.CreatedAt, new V1Source("issue", source.ToV1(baseUrl)));
        }
        return t.ToV1(repo, baseUrl);
    }
}
