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

    /// <summary>GitHub's notification thread.</summary>
    public static object ToV1(Notification n, string baseUrl)
    {
        var fullName = $"{n.Repository.Owner.Username}/{n.Repository.Name}";
        var path = n.SubjectType == "PullRequest" ? "pulls" : "issues";
        return new
        {
            id = n.Id.ToString(),
            unread = n.Unread,
            reason = n.Reason,
            updated_at = n.CreatedAt,
            last_read_at = n.ReadAt,
            subject = new
            {
                title = n.SubjectTitle,
                url = $"{baseUrl}/api/v1/repos/{fullName}/{path}/{n.SubjectNumber}",
                latest_comment_url = (string?)null,
                type = n.SubjectType,
            },
            repository = new { id = n.RepositoryId, name = n.Repository.Name, full_name = fullName, @private = n.Repository.IsPrivate },
            url = $"{baseUrl}/api/v1/notifications/threads/{n.Id}",
        };
    }
}
