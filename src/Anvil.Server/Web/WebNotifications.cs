using Anvil.Server.Auth;
using Anvil.Server.Notifications;
using Anvil.Web.Ports;
using Anvil.Web.Rendering;

namespace Anvil.Server.Web;

/// <summary>The notifications page over <see cref="NotificationService"/>, with its access filter.</summary>
public sealed class WebNotifications(NotificationService notifications, Caller caller) : IWebNotifications
{
    private int? _unread;

    public async Task<NotificationsView> ListAsync(bool all, int skip, int limit, CancellationToken ct)
    {
        WebAccounts.SessionUserOf(caller);
        var page = await notifications.ListAsync(!all, skip, limit, ct);
        var rows = page.Items.Select(n =>
        {
            var repo = n.Repository;
            var url = repo is null ? null : n.SubjectType switch
            {
                "Issue" => Links.Issue(repo.Owner.Username, repo.Name, n.SubjectNumber),
                "PullRequest" => Links.Pull(repo.Owner.Username, repo.Name, n.SubjectNumber),
                _ => Links.Repo(repo.Owner.Username, repo.Name),
            };
            return new NotificationRow(n.Id, repo is null ? null : repo.Owner.Username + "/" + repo.Name, n.SubjectType, n.SubjectNumber, n.SubjectTitle,
                n.Reason, n.Actor?.Username, n.Unread, n.CreatedAt, url);
        }).ToList();
        return new NotificationsView(rows, page.HasMore, await UnreadCountAsync(ct));
    }

    public async Task<int> UnreadCountAsync(CancellationToken ct) =>
        caller.User is not null && caller.Method == AuthMethod.Session ? _unread ??= await notifications.UnreadCountAsync(ct) : 0;

    public async Task MarkReadAsync(long id, CancellationToken ct)
    {
        WebAccounts.SessionUserOf(caller);
        await notifications.MarkReadAsync(id, ct);
        _unread = null;
    }

    public async Task MarkAllReadAsync(CancellationToken ct)
    {
        WebAccounts.SessionUserOf(caller);
        await notifications.MarkAllReadAsync(ct);
        _unread = null;
    }
}
