using System.Text.Json;
using System.Text.RegularExpressions;
using Anvil.Server.Auth;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Notifications;

/// <summary>Something happened on an issue or pull request that some users should hear about.</summary>
/// <param name="Repository">What it is about; null for news of a repository that is gone.</param>
/// <param name="Recipients">
/// User ids with the reason each is told; the actor is never told of their own action, nor anyone of a repository they
/// may not read.
/// </param>
public sealed record NotificationRequest(Repository? Repository, User Actor, string SubjectType, int SubjectNumber, string SubjectTitle,
    string Action, IReadOnlyDictionary<long, string> Recipients);

public sealed partial class NotificationService(AnvilDbContext db, Caller caller, RepositoryAccess access, IClusterBus bus, TimeProvider clock,
    IHttpContextAccessor http, Infrastructure.Events.DomainEvents events)
{
    public const string BusChannel = "notifications";

    [GeneratedRegex(@"(?<![A-Za-z0-9-])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})")]
    private static partial Regex MentionPattern();

    /// <summary>Usernames @-mentioned in <paramref name="text"/>, normalized and distinct.</summary>
    public static IReadOnlySet<string> Mentions(string? text) =>
        text is null ? new HashSet<string>() : MentionPattern().Matches(text).Select(m => NameRules.Normalize(m.Groups[1].Value)).ToHashSet();

    /// <summary>Ids of mentioned users who can see the repository (others are not told: that would leak it).</summary>
    public async Task<List<long>> MentionedUsersWithAccessAsync(Repository repo, string? text, CancellationToken ct)
    {
        var names = Mentions(text);
        if (names.Count == 0)
        {
            return [];
        }
        var users = await db.Users.Where(u => names.Contains(u.NormalizedUsername)).Select(u => u.Id).ToListAsync(ct);
        return await UsersWithAccessAsync(repo, users, ct);
    }

    /// <summary>
    /// Those of <paramref name="userIds"/> who can see the repository now: telling anyone else about it would leak it
    /// (a former collaborator who once commented, say).
    /// </summary>
    public Task<List<long>> UsersWithAccessAsync(Repository repo, IReadOnlyCollection<long> userIds, CancellationToken ct) =>
        access.ReadersAmongAsync(repo, userIds, ct);

    /// <summary>Stores one notification per recipient and pushes each to the recipient's open sockets on every node.</summary>
    public async Task NotifyAsync(NotificationRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = request.Recipients.Keys.Where(id => id != request.Actor.Id).ToList();
        var allowed = request.Repository is { } about ? (await access.ReadersAmongAsync(about, candidates, ct)).ToHashSet() : candidates.ToHashSet();
        var effect = events.NextEffectKey();
        var rows = request.Recipients.Where(r => allowed.Contains(r.Key)).Select(r => new Notification
        {
            EffectKey = effect is null ? null : $"{effect}:{r.Key}",
            UserId = r.Key,
            ActorId = request.Actor.Id,
            RepositoryId = request.Repository?.Id,
            SubjectType = request.SubjectType,
            SubjectNumber = request.SubjectNumber,
            SubjectTitle = request.SubjectTitle.Length > 256 ? request.SubjectTitle[..256] : request.SubjectTitle,
            Reason = r.Value,
            Action = request.Action,
            CreatedAt = now,
        }).ToList();
        if (events.Replaying)
        {
            var keys = rows.Select(n => n.EffectKey).ToList();
            var done = (await db.Notifications.Where(n => keys.Contains(n.EffectKey)).Select(n => n.EffectKey).ToListAsync(ct)).ToHashSet();
            rows.RemoveAll(n => done.Contains(n.EffectKey));
        }
        if (rows.Count == 0)
        {
            return;
        }
        db.Notifications.AddRange(rows);
        await db.SaveChangesAsync(ct);
        var baseUrl = http.HttpContext?.PublicBaseUrl() ?? "";
        foreach (var row in rows)
        {
            // Untracked before its navigations are set for the view: the actor and repository are instances from other
            // queries, and tracking them would clash with this scope's own copies at the request's next SaveChanges.
            db.Entry(row).State = EntityState.Detached;
            row.Actor = request.Actor;
            row.Repository = request.Repository;
            var view = NotificationViews.ToSigmagit(row, baseUrl);
            await bus.PublishAsync(BusChannel, JsonSerializer.Serialize(new LiveNotification(row.UserId, view), Surfaces.SigmagitJson));
        }
    }

    /// <summary>
    /// The caller's notifications about what they may read now: one about a repository they lost access to is hidden
    /// (from lists, counts, threads and marking alike) and shows again if the access comes back.
    /// </summary>
    private IQueryable<Notification> Mine(bool unreadOnly)
    {
        var user = caller.RequireUser();
        var readable = access.ReadableBy(user.Id, user.IsAdmin);
        var q = db.Notifications.Where(n => n.UserId == user.Id && (n.RepositoryId == null || readable.Any(r => r.Id == n.RepositoryId)));
        return unreadOnly ? q.Where(n => n.Unread) : q;
    }

    public Task<Page<Notification>> ListAsync(bool unreadOnly, int offset, int limit, CancellationToken ct) =>
        ListAsync(new NotificationFilter(unreadOnly), offset, limit, ct);

    public Task<Page<Notification>> ListAsync(NotificationFilter filter, int offset, int limit, CancellationToken ct)
    {
        var q = Mine(filter.UnreadOnly);
        if (filter.ParticipatingOnly)
        {
            var reasons = NotificationReasons.Participating.ToList();
            q = q.Where(n => reasons.Contains(n.Reason));
        }
        if (filter.Since is { } since)
        {
            q = q.Where(n => n.CreatedAt >= since);
        }
        if (filter.Before is { } before)
        {
            q = q.Where(n => n.CreatedAt < before);
        }
        return q.OrderByDescending(n => n.Id).Include(n => n.Actor).Include(n => n.Repository).ThenInclude(r => r!.Owner)
            .ToPageAsync(offset, limit, ct);
    }

    public Task<int> UnreadCountAsync(CancellationToken ct) => Mine(true).CountAsync(ct);

    public async Task<Notification> GetAsync(long id, CancellationToken ct) =>
        await Mine(false).Include(n => n.Actor).Include(n => n.Repository).ThenInclude(r => r!.Owner).FirstOrDefaultAsync(n => n.Id == id, ct)
        ?? throw AnvilException.NotFound("notification not found");

    public async Task MarkReadAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await Mine(false).Where(n => n.Id == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.Unread, false).SetProperty(n => n.ReadAt, now), ct) == 0)
        {
            throw AnvilException.NotFound("notification not found");
        }
    }

    public async Task<int> MarkAllReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await Mine(true).ExecuteUpdateAsync(s => s.SetProperty(n => n.Unread, false).SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task DeleteAsync(long id, CancellationToken ct)
    {
        if (await Mine(false).Where(n => n.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw AnvilException.NotFound("notification not found");
        }
    }
}

/// <summary>What travels over the cluster bus to the node holding the recipient's socket.</summary>
public sealed record LiveNotification(long UserId, NotificationViews.Sigmagit Notification);
