using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Actions;
using Anvil.Server.Infrastructure;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Anvil.Server.Webhooks;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>
/// The repository settings pages over <see cref="RepositoryService"/>, <see cref="WebhookService"/> and
/// <see cref="RunnerService"/>, which check admin rights themselves as for the API. The pages add one rule of GitHub's:
/// to anyone who does not administer the repository, its settings do not exist (404), even to its readers.
/// </summary>
public sealed class WebRepoSettings(RepositoryAccess access, RepositoryService repositories, WebhookService hooks, RunnerService runners,
    IWebCode code) : IWebRepoSettings
{
    /// <summary>Deliveries a hook's page shows, newest first, each with its request and response.</summary>
    public const int ShownDeliveries = 10;

    public IReadOnlyList<string> HookEvents { get; } =
        WebhookService.KnownEvents.OrderBy(e => e != "*").ThenBy(e => e, StringComparer.Ordinal).ToList();

    /// <summary>The repository, if the viewer administers it; otherwise "not found", whatever else they may do there.</summary>
    private async Task<Repository> AdministeredAsync(string owner, string repo, CancellationToken ct)
    {
        try
        {
            return (await access.RequireAsync(owner, repo, RepositoryPermission.Admin, ct)).Repository;
        }
        catch (AnvilException e) when (e.Kind is FailureKind.Forbidden or FailureKind.Unauthorized)
        {
            throw RepositoryAccess.NotFound();
        }
    }

    private async Task<RepoContext> ContextAsync(string owner, string repo, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        return await code.OpenAsync(owner, repo, ct);
    }

    public async Task<RepoGeneralView> GeneralAsync(string owner, string repo, CancellationToken ct)
    {
        var r = await AdministeredAsync(owner, repo, ct);
        return new RepoGeneralView(await code.OpenAsync(owner, repo, ct), r.IsArchived, r.ForkedFrom is { IsPrivate: true });
    }

    public async Task<RepoSettingsResult> UpdateAsync(string owner, string repo, string? name, string? description, string? defaultBranch,
        string? visibility, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        return await ChangeAsync(async () => await repositories.UpdateAsync(await access.ReadAsync(owner, repo, ct),
            new UpdateRepository(name?.Trim(), description, RepositoryEndpoints.ParseVisibility(visibility), defaultBranch), ct));
    }

    public async Task<RepoSettingsResult> SetArchivedAsync(string owner, string repo, bool archived, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        return await ChangeAsync(async () => await repositories.UpdateAsync(await access.ReadAsync(owner, repo, ct), new UpdateRepository(null, null, null, null, archived), ct));
    }

    private static async Task<RepoSettingsResult> ChangeAsync(Func<Task<Repository>> change)
    {
        try
        {
            return new RepoSettingsResult((await change()).Name, null);
        }
        // An admin's only other refusal here is the archive's ("read-only"), which the form shows too.
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new RepoSettingsResult(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<FormResult> DeleteAsync(string owner, string repo, string? confirmation, CancellationToken ct)
    {
        var r = await AdministeredAsync(owner, repo, ct);
        var fullName = r.Owner.Username + "/" + r.Name;
        if (!string.Equals(confirmation?.Trim(), fullName, StringComparison.Ordinal))
        {
            return new FormResult($"Type {fullName} to confirm: the repository was not deleted.");
        }
        await repositories.DeleteAsync(await access.ReadAsync(owner, repo, ct), ct);
        return FormResult.Done;
    }

    public async Task<CollaboratorsView> CollaboratorsAsync(string owner, string repo, CancellationToken ct)
    {
        var context = await ContextAsync(owner, repo, ct);
        var list = await repositories.ListCollaboratorsAsync(await access.ReadAsync(owner, repo, ct), ct);
        return new CollaboratorsView(context, list
            .Select(c => new CollaboratorRow(c.User.Username, UserViews.AvatarUrl(c.User, ""), RepositoryV1Endpoints.PermissionName(c.Permission), c.CreatedAt))
            .OrderBy(c => c.Username, StringComparer.OrdinalIgnoreCase).ToList());
    }

    public async Task<FormResult> SetCollaboratorAsync(string owner, string repo, string? username, string? permission, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        if (string.IsNullOrWhiteSpace(username))
        {
            return new FormResult("Enter the username of the person to add.");
        }
        RepositoryPermission level = permission switch
        {
            "read" => RepositoryPermission.Read,
            "write" => RepositoryPermission.Write,
            "admin" => RepositoryPermission.Admin,
            _ => RepositoryPermission.None,
        };
        if (level == RepositoryPermission.None)
        {
            return new FormResult("Choose a permission: read, write or admin.");
        }
        try
        {
            await repositories.SetCollaboratorAsync(await access.ReadAsync(owner, repo, ct), username.Trim(), level, ct);
            return FormResult.Done;
        }
        // The repository is the viewer's to administer (checked above): what is not found is the person.
        catch (AnvilException e) when (e.Kind == FailureKind.NotFound)
        {
            return new FormResult($"There is no user named {username.Trim()}.");
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
        }
    }

    public async Task RemoveCollaboratorAsync(string owner, string repo, string username, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        await repositories.RemoveCollaboratorAsync(await access.ReadAsync(owner, repo, ct), username, ct);
    }

    public async Task<HooksView> HooksAsync(string owner, string repo, CancellationToken ct)
    {
        var context = await ContextAsync(owner, repo, ct);
        var (_, page) = await hooks.ListAsync(await access.ReadAsync(owner, repo, ct), 0, WebhookService.MaxHooksPerRepository, ct);
        return new HooksView(context, page.Items.Select(Row).ToList());
    }

    public async Task<HookView> HookAsync(string owner, string repo, long id, CancellationToken ct)
    {
        var context = await ContextAsync(owner, repo, ct);
        var hookId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (_, hook) = await hooks.GetAsync(await access.ReadAsync(owner, repo, ct), hookId, ct);
        var page = await hooks.DeliveriesAsync(await access.ReadAsync(owner, repo, ct), hookId, 0, ShownDeliveries, ct);
        var details = new List<DeliveryDetail>();
        foreach (var d in page.Items)
        {
            var (delivery, attempts) = await hooks.DeliveryAsync(await access.ReadAsync(owner, repo, ct), hookId, d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            details.Add(Detail(delivery, attempts));
        }
        return new HookView(context, Row(hook), details, page.HasMore);
    }

    public async Task<HookSaved> CreateHookAsync(string owner, string repo, HookInput input, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        return await SaveAsync(async () => (await hooks.CreateAsync(await access.ReadAsync(owner, repo, ct),
            new CreateHook("web", new HookConfig(input.Url?.Trim(), input.ContentType, input.Secret, null), input.Events.ToList(), input.Active), ct)).Hook);
    }

    public async Task<HookSaved> UpdateHookAsync(string owner, string repo, long id, HookInput input, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        // The secret is never shown, so the form cannot send it back: left empty it stays, as on GitHub.
        var secret = input.RemoveSecret ? "" : string.IsNullOrEmpty(input.Secret) ? null : input.Secret;
        var hookId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await SaveAsync(async () => (await hooks.UpdateAsync(await access.ReadAsync(owner, repo, ct), hookId,
            new UpdateHook(new HookConfig(input.Url?.Trim(), input.ContentType, secret, null), input.Events.ToList(), null, null, input.Active), ct)).Hook);
    }

    private static async Task<HookSaved> SaveAsync(Func<Task<Webhook>> save)
    {
        try
        {
            return new HookSaved((await save()).Id, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new HookSaved(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task DeleteHookAsync(string owner, string repo, long id, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        await hooks.DeleteAsync(await access.ReadAsync(owner, repo, ct), id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
    }

    public async Task RedeliverAsync(string owner, string repo, long id, long deliveryId, CancellationToken ct)
    {
        await AdministeredAsync(owner, repo, ct);
        await hooks.RedeliverAsync(await access.ReadAsync(owner, repo, ct), id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
    }

    public async Task<RunnersView> RunnersAsync(string owner, string repo, CancellationToken ct)
    {
        var r = await AdministeredAsync(owner, repo, ct);
        var list = await runners.ListAsync(r.Id, ct);
        return new RunnersView(await code.OpenAsync(owner, repo, ct), list
            .Select(x => new RunnerRow(x.Id, x.Name, x.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries), x.LastSeenAt)).ToList());
    }

    public async Task RemoveRunnerAsync(string owner, string repo, long id, CancellationToken ct)
    {
        var r = await AdministeredAsync(owner, repo, ct);
        if (!await runners.RemoveAsync(id, r.Id, ct))
        {
            throw AnvilException.NotFound("runner not found");
        }
    }

    public async Task<RunnerToken> CreateRunnerTokenAsync(string owner, string repo, CancellationToken ct)
    {
        var r = await AdministeredAsync(owner, repo, ct);
        var (token, expires) = await runners.CreateRegistrationTokenAsync(r.Id, ct);
        return new RunnerToken(token, expires);
    }

    private static HookRow Row(Webhook h) => new(h.Id, h.Url, h.ContentType, h.Secret is not null, h.EventList, h.Active,
        h.LastResponseCode, h.LastResponseStatus ?? "unused", h.UpdatedAt);

    /// <summary>The API's view of a delivery (its latest attempt's request and response), as the page shows it.</summary>
    private static DeliveryDetail Detail(WebhookDelivery delivery, IReadOnlyList<WebhookAttempt> attempts)
    {
        var d = WebhookViews.Detail(delivery, attempts);
        var last = d.Attempts.LastOrDefault();
        return new DeliveryDetail(d.Id, d.Guid, d.Event, d.Action, d.State, d.Status, d.Redelivery, d.DeliveredAt, d.Duration, d.Url,
            Headers(d.Request.Headers), d.Request.Payload?.ToJsonString(IndentedJson) ?? "", last?.StatusCode, Headers(d.Response.Headers),
            d.Response.Payload, last?.Error);
    }

    private static IReadOnlyList<WireHeader> Headers(JsonNode? headers) => headers is JsonObject o
        ? o.Select(h => new WireHeader(h.Key, h.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : h.Value?.ToJsonString() ?? "")).ToList()
        : [];

    private static readonly JsonSerializerOptions IndentedJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
