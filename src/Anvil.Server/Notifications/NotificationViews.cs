using Anvil.Server.Users;

namespace Anvil.Server.Notifications;

public static class NotificationViews
{
    public sealed record Subject(string Type, int Number, string Title, string? Url);
    public sealed record RepositoryRef(string Id, string Name, string FullName);

    public sealed record Sigmagit(string Id, string Reason, string Action, bool Unread, Subject Subject, RepositoryRef? Repository,
        UserViews.Summary? Actor, DateTime CreatedAt, DateTime? ReadAt);

    public static Sigmagit ToSigmagit(Notification n, string baseUrl)
    {
        if (n.Repository is not { } repo)
        {
            // About a repository that no longer exists: nothing to link to.
            return new Sigmagit(n.Id.ToString(), n.Reason, n.Action, n.Unread, new Subject(n.SubjectType, n.SubjectNumber, n.SubjectTitle, null),
                null, n.Actor?.ToSummary(baseUrl), n.CreatedAt, n.ReadAt);
        }
        var fullName = $"{repo.Owner.Username}/{repo.Name}";
        return new Sigmagit(n.Id.ToString(), n.Reason, n.Action, n.Unread,
            new Subject(n.SubjectType, n.SubjectNumber, n.SubjectTitle, $"{baseUrl}/api/repositories/{fullName}/{SubjectPath(n)}/{n.SubjectNumber}"),
            new RepositoryRef(repo.Id.ToString(), repo.Name, fullName), n.Actor?.ToSummary(baseUrl), n.CreatedAt, n.ReadAt);
    }

    private static string SubjectPath(Notification n) => n.SubjectType == "PullRequest" ? "pulls" : "issues";

    public sealed record NotificationList(IEnumerable<Sigmagit> Notifications, bool HasMore, int UnreadCount);

    public sealed record UnreadCount(int Count);

    public sealed record MarkedAllRead(bool Success, int Updated);

    public sealed record V1Subject(string Title, string? Url, string? LatestCommentUrl, string Type);

    public sealed record V1RepositoryRef(long Id, string Name, string FullName, bool Private);

    /// <summary>GitHub's notification thread.</summary>
    public sealed record V1Thread(string Id, bool Unread, string Reason, DateTime UpdatedAt, DateTime? LastReadAt, V1Subject Subject,
        V1RepositoryRef? Repository, string Url)
    {
        public string SubscriptionUrl => $"{Url}/subscription";
    }

    public static V1Thread ToV1(Notification n, string baseUrl)
    {
        var threadUrl = $"{baseUrl}/api/v1/notifications/threads/{n.Id}";
        if (n.Repository is not { } repo)
        {
            return new V1Thread(n.Id.ToString(), n.Unread, n.Reason, n.CreatedAt, n.ReadAt, new V1Subject(n.SubjectTitle, null, null, n.SubjectType),
                null, threadUrl);
        }
        var fullName = $"{repo.Owner.Username}/{repo.Name}";
        return new V1Thread(n.Id.ToString(), n.Unread, n.Reason, n.CreatedAt, n.ReadAt,
            new V1Subject(n.SubjectTitle, $"{baseUrl}/api/v1/repos/{fullName}/{SubjectPath(n)}/{n.SubjectNumber}", null, n.SubjectType),
            new V1RepositoryRef(repo.Id, repo.Name, fullName, repo.IsPrivate), threadUrl);
    }
}
