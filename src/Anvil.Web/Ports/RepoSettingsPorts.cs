namespace Anvil.Web.Ports;

// The repository settings pages (admins only) and the user settings pages for notifications and Discord. Every method
// of IWebRepoSettings answers "not found" (the 404 page) to anyone who does not administer the repository, readers
// included, as GitHub does; the adapter asks the same services the API's routes ask.

/// <summary>The general settings of a repository. <paramref name="ParentIsPrivate"/>: a fork of a private repository, which cannot be made public.</summary>
public sealed record RepoGeneralView(RepoContext Context, bool IsArchived, bool ParentIsPrivate);

/// <summary>What a settings form changed, or why not; <paramref name="Name"/> is the repository's name afterwards (a rename's new one).</summary>
public sealed record RepoSettingsResult(string? Name, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <param name="Permission">"read", "write" or "admin".</param>
public sealed record CollaboratorRow(string Username, string AvatarUrl, string Permission, DateTime Since);

public sealed record CollaboratorsView(RepoContext Context, IReadOnlyList<CollaboratorRow> Collaborators);

/// <param name="Events">Event names, or "*" for every event.</param>
/// <param name="LastResponseStatus">"unused" until a delivery was attempted, then "active" or the failure.</param>
public sealed record HookRow(long Id, string Url, string ContentType, bool HasSecret, IReadOnlyList<string> Events, bool Active,
    int? LastResponseCode, string LastResponseStatus, DateTime UpdatedAt);

public sealed record HooksView(RepoContext Context, IReadOnlyList<HookRow> Hooks);

/// <summary>What the hook form posts. <paramref name="Secret"/> null or empty keeps an existing secret unless <paramref name="RemoveSecret"/>.</summary>
public sealed record HookInput(string? Url, string? ContentType, string? Secret, bool RemoveSecret, IReadOnlyList<string> Events, bool Active);

public sealed record HookSaved(long? Id, string? Error);

/// <summary>A header as it went over the wire.</summary>
public sealed record WireHeader(string Name, string Value);

/// <param name="State">"pending", "delivered" or "failed".</param>
/// <param name="RequestBody">The payload as sent (JSON indented for reading).</param>
/// <param name="ResponseStatus">The latest attempt's HTTP status; null when none answered (<paramref name="Error"/> says why).</param>
public sealed record DeliveryDetail(long Id, Guid Guid, string Event, string? Action, string State, string Status, bool Redelivery, DateTime At,
    double DurationSeconds, string? Url, IReadOnlyList<WireHeader> RequestHeaders, string RequestBody, int? ResponseStatus,
    IReadOnlyList<WireHeader> ResponseHeaders, string? ResponseBody, string? Error);

/// <param name="MoreDeliveries">Older deliveries exist beyond those shown.</param>
public sealed record HookView(RepoContext Context, HookRow Hook, IReadOnlyList<DeliveryDetail> Deliveries, bool MoreDeliveries);

/// <summary>A runner registered for this repository; <paramref name="LastSeenAt"/> is its latest poll for work.</summary>
public sealed record RunnerRow(long Id, string Name, IReadOnlyList<string> Labels, DateTime LastSeenAt);

public sealed record RunnersView(RepoContext Context, IReadOnlyList<RunnerRow> Runners);

/// <summary>A runner registration token, shown once.</summary>
public sealed record RunnerToken(string Token, DateTime ExpiresAt);

public interface IWebRepoSettings
{
    /// <summary>The events a hook may subscribe to ("*" first: every event).</summary>
    IReadOnlyList<string> HookEvents { get; }

    Task<RepoGeneralView> GeneralAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Changes what is not null, as the API's PATCH does; <paramref name="visibility"/> is "public" or "private".</summary>
    Task<RepoSettingsResult> UpdateAsync(string owner, string repo, string? name, string? description, string? defaultBranch, string? visibility,
        CancellationToken ct);

    Task<RepoSettingsResult> SetArchivedAsync(string owner, string repo, bool archived, CancellationToken ct);

    /// <summary>Deletes the repository when <paramref name="confirmation"/> is its full name "owner/name"; otherwise nothing happens.</summary>
    Task<FormResult> DeleteAsync(string owner, string repo, string? confirmation, CancellationToken ct);

    Task<CollaboratorsView> CollaboratorsAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Adds a collaborator or changes their permission ("read", "write" or "admin").</summary>
    Task<FormResult> SetCollaboratorAsync(string owner, string repo, string? username, string? permission, CancellationToken ct);

    Task RemoveCollaboratorAsync(string owner, string repo, string username, CancellationToken ct);

    Task<HooksView> HooksAsync(string owner, string repo, CancellationToken ct);

    /// <summary>One hook and its recent deliveries, each with its request and response.</summary>
    Task<HookView> HookAsync(string owner, string repo, long id, CancellationToken ct);

    Task<HookSaved> CreateHookAsync(string owner, string repo, HookInput input, CancellationToken ct);

    Task<HookSaved> UpdateHookAsync(string owner, string repo, long id, HookInput input, CancellationToken ct);

    Task DeleteHookAsync(string owner, string repo, long id, CancellationToken ct);

    /// <summary>Sends a past delivery again (a new delivery with the same payload and id).</summary>
    Task RedeliverAsync(string owner, string repo, long id, long deliveryId, CancellationToken ct);

    /// <summary>The repository's own runners (not the instance's shared ones).</summary>
    Task<RunnersView> RunnersAsync(string owner, string repo, CancellationToken ct);

    /// <summary>Removes one of the repository's runners (its credential stops working); another's is "not found".</summary>
    Task RemoveRunnerAsync(string owner, string repo, long id, CancellationToken ct);

    /// <summary>A new runner registration token for this repository, as the API's <c>runners/registration-token</c> makes.</summary>
    Task<RunnerToken> CreateRunnerTokenAsync(string owner, string repo, CancellationToken ct);
}

/// <param name="EmailNotifications">The account's <c>emailNotifications</c> preference (on unless turned off).</param>
public sealed record NotificationSettings(bool EmailNotifications, string Email, bool EmailVerified);

/// <param name="DiscordId">The linked Discord account's id; null when none is linked.</param>
public sealed record DiscordLinkView(bool Configured, string? DiscordId, bool Verified, DateTime? LinkedAt);

/// <summary>The signed-in viewer's notification and Discord settings (a signed-in session, as the API's settings need).</summary>
public interface IWebAccountLinks
{
    Task<NotificationSettings> NotificationsAsync(CancellationToken ct);

    Task<FormResult> SetEmailNotificationsAsync(bool enabled, CancellationToken ct);

    Task<DiscordLinkView> DiscordAsync(CancellationToken ct);

    /// <summary>Spends a link token the Discord bot gave the viewer, linking that Discord account to theirs.</summary>
    Task<FormResult> LinkDiscordAsync(string? token, CancellationToken ct);

    Task UnlinkDiscordAsync(CancellationToken ct);
}
