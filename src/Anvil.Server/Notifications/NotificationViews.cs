using Anvil.Server.Users;

namespace Anvil.Server.Notifications;

public static class NotificationViews
{
    public sealed record Subject(string Type, int Number, string Title, string Url);
    public sealed record RepositoryRef(string Id, string Name, string FullName);

    public sealed record Sigmagit(string Id, string Reason, string Action, bool Unread, Subject Subject, RepositoryRef Repository,
        UserViews.Summary? Actor, DateTime CreatedAt, DateTime? ReadAt);

    public static Sigmagit ToSigmagit(Notification n, string baseUrl)
    {
        var fullName = $"{n.Repository.Owner.Username}/{n.Repository.Name}";
        var path = n.SubjectType == "PullRequest" ? "pulls" : "issues";
        return new Sigmagit(n.Id.ToString(), n.Reason, n.Action, n.Unread,
            new Subject(n.SubjectType, n.SubjectNumber, n.SubjectTitle, $"{baseUrl}/api/repositories/{fullName}/{path}/{n.SubjectNumber}"),
            new RepositoryRef(n.RepositoryId.ToString(), n.Repository.Name, fullName), n.Actor?.ToSummary(baseUrl), n.CreatedAt, n.ReadAt);
    }

    public sealed record NotificationList(IEnumerable<Sigmagit> Notifications, bool HasMore, int UnreadCount);

    public sealed record UnreadCount(int Count);

    public sealed record MarkedAllRead(bool Success, int Updated);

    public sealed record V1Subject(string Title, string Url, string? LatestCommentUrl, string Type);

    public sealed record V1RepositoryRef(long Id, string Name, string FullName, bool Private);

    /// <summary>GitHub's notification thread.</summary>
    public sealed record V1Thread(string Id, bool Unread, string Reason, DateTime UpdatedAt, DateTime? LastReadAt, V1Subject Subject,
        V1RepositoryRef Repository, string Url);

    public static V1Thread ToV1(Notification n, string baseUrl)
    {
        var fullName = $"{n.Repository.Owner.Username}/{n.Repository.Name}";
        var path = n.SubjectType == "PullRequest" ? "pulls" : "issues";
        return new V1Thread(n.Id.ToString(), n.Unread, n.Reason, n.CreatedAt, n.ReadAt,
            new V1Subject(n.SubjectTitle, $"{baseUrl}/api/v1/repos/{fullName}/{path}/{n.SubjectNumber}", null, n.SubjectType),
            new V1RepositoryRef(n.RepositoryId, n.Repository.Name, fullName, n.Repository.IsPrivate),
            $"{baseUrl}/api/v1/notifications/threads/{n.Id}");
    }
}
