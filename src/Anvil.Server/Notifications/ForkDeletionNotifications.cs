using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Notifications;

/// <summary>Tells each owner of a fork deleted with their access which fork went, and why.</summary>
public sealed class ForkDeletionNotifications(NotificationService notifications) : IDomainEventHandler<ForksDeleted>
{
    public const string SubjectType = "Repository";

    public async Task HandleAsync(ForksDeleted evt, CancellationToken ct)
    {
        foreach (var fork in evt.Forks)
        {
            // The fork is gone, so the notification is about no repository: it stays readable to its owner.
            await notifications.NotifyAsync(new NotificationRequest(null, evt.Actor, SubjectType, 0,
                $"Your fork {fork.FullName} was deleted because you no longer have access to {fork.ParentFullName}", "deleted",
                new Dictionary<long, string> { [fork.OwnerId] = NotificationReasons.AccessRemoved }), ct);
        }
    }
}
