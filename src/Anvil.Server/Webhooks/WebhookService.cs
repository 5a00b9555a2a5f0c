using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>GitHub's hook <c>config</c>. <c>insecure_ssl</c> is <c>"0"</c>/<c>"1"</c> on GitHub; numbers and booleans are accepted too.</summary>
public sealed record HookConfig(string? Url, string? ContentType, string? Secret, JsonElement? InsecureSsl);

public sealed record CreateHook(string? Name, [property: Required] HookConfig? Config, List<string>? Events, bool? Active);

public sealed record UpdateHook(HookConfig? Config, List<string>? Events, List<string>? AddEvents, List<string>? RemoveEvents, bool? Active);

/// <summary>Repository webhooks: who may manage them, what a valid hook is, pings and redeliveries.</summary>
public sealed class WebhookService(AnvilDbContext db, Caller caller, WebhookQueue queue, WebhookPayloads payloads,
    TimeProvider clock)
{
    public const int MaxHooksPerRepository = 20;

    /// <summary>Events a hook may subscribe to (some are sent by features that build on this one).</summary>
    public static readonly IReadOnlySet<string> KnownEvents = new HashSet<string>
    {
        "*", "push", "create", "delete", "star", "fork", "issues", "issue_comment", "pull_request", "pull_request_review",
        "pull_request_review_comment", "check_run", "check_suite", "status", "member", "release", "watch", "workflow_run", "workflow_job",
    };

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Hooks are an administrator's (as on GitHub): every hook route, reading hooks and their deliveries included, needs
    /// admin on the repository, since a hook's deliveries carry every event of the repository to wherever it points. A
    /// token may manage hooks with either the <c>webhooks</c> scope or <c>repo:write</c>; the user's own rights are always
    /// the limit.
    /// </summary>
    /// <summary>
    /// Hooks are their repository's admins' to manage. A token's <c>webhooks</c> scope stands in for <c>repo</c> on the
    /// hook routes (<see cref="OwnRightsWithScope"/>), so a token lacking both is told it needs either.
    /// </summary>
    public Repository RequireManage(RepositoryGrant grant)
    {
        caller.RequireUser();
        try
        {
            return grant.Require(RepositoryPermission.Admin).Repository;
        }
        catch (AnvilException e) when (e.RequiredScope is not null)
        {
            throw AnvilException.MissingScope($"{Scopes.Webhooks}, {Scopes.RepoWrite}");
        }
    }

    public async Task<(Repository Repo, Page<Webhook> Hooks)> ListAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct)
    {
        var repo = RequireManage(grant);
        return (repo, await db.Set<Webhook>().Where(h => h.RepositoryId == repo.Id).OrderBy(h => h.Id).ToPageAsync(offset, limit, ct));
    }

    public async Task<(Repository Repo, Webhook Hook)> GetAsync(RepositoryGrant grant, string id, CancellationToken ct)
    {
        var repo = RequireManage(grant);
        var hookId = ParseId(id, "hook");
        var hook = await db.Set<Webhook>().FirstOrDefaultAsync(h => h.Id == hookId && h.RepositoryId == repo.Id, ct)
            ?? throw AnvilException.NotFound("hook not found");
        return (repo, hook);
    }

    public async Task<(Repository Repo, Webhook Hook)> CreateAsync(RepositoryGrant grant, CreateHook req, CancellationToken ct)
    {
        var repo = RequireManage(grant);
        if (req.Name is not null && req.Name != "web")
        {
            throw AnvilException.Invalid("name must be \"web\"");
        }
        var config = req.Config ?? throw AnvilException.Invalid("config is required");
        var hook = new Webhook
        {
            RepositoryId = repo.Id,
            Url = ValidUrl(config.Url),
            ContentType = ValidContentType(config.ContentType) ?? "form",
            Secret = string.IsNullOrEmpty(config.Secret) ? null : ValidSecret(config.Secret),
            InsecureSsl = ParseInsecureSsl(config.InsecureSsl) ?? false,
            Events = FormatEvents(req.Events ?? ["push"]),
            Active = req.Active ?? true,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        if (await db.Set<Webhook>().CountAsync(h => h.RepositoryId == repo.Id, ct) >= MaxHooksPerRepository)
        {
            throw AnvilException.Invalid($"a repository may have at most {MaxHooksPerRepository} hooks");
        }
        db.Add(hook);
        await db.SaveChangesAsync(ct);
        // GitHub greets a new hook with a ping, so its receiver can confirm the set-up.
        if (hook.Active)
        {
            await PingAsync(repo, hook, ct);
        }
        return (repo, hook);
    }

    public async Task<(Repository Repo, Webhook Hook)> UpdateAsync(RepositoryGrant grant, string id, UpdateHook req, CancellationToken ct)
    {
        var (repo, hook) = await GetAsync(grant, id, ct);
        if (req.Config is { } config)
        {
            hook.Url = ValidUrl(config.Url ?? hook.Url);
            hook.ContentType = ValidContentType(config.ContentType) ?? hook.ContentType;
            // The secret is never shown, so a client cannot send it back: absent keeps it, "" removes it.
            if (config.Secret is not null)
            {
                hook.Secret = config.Secret.Length == 0 ? null : ValidSecret(config.Secret);
            }
            hook.InsecureSsl = ParseInsecureSsl(config.InsecureSsl) ?? hook.InsecureSsl;
        }
        var events = req.Events ?? hook.EventList.ToList();
        if (req.AddEvents is not null)
        {
            events = events.Concat(req.AddEvents).ToList();
        }
        if (req.RemoveEvents is not null)
        {
            events = events.Where(e => !req.RemoveEvents.Contains(e)).ToList();
        }
        hook.Events = FormatEvents(events);
        hook.Active = req.Active ?? hook.Active;
        hook.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        return (repo, hook);
    }

    public async Task DeleteAsync(RepositoryGrant grant, string id, CancellationToken ct)
    {
        var (_, hook) = await GetAsync(grant, id, ct);
        db.Remove(hook);
        await db.SaveChangesAsync(ct);
    }

    public async Task<WebhookDelivery> PingAsync(RepositoryGrant grant, string id, CancellationToken ct)
    {
        var (repo, hook) = await GetAsync(grant, id, ct);
        return await PingAsync(repo, hook, ct);
    }

    private async Task<WebhookDelivery> PingAsync(Repository repo, Webhook hook, CancellationToken ct)
    {
        var fields = new JsonObject
        {
            ["zen"] = "Keep it logically awesome.",
            ["hook_id"] = hook.Id,
            ["hook"] = JsonSerializer.SerializeToNode(WebhookViews.Hook(hook, repo, payloads.BaseUrl), Surfaces.V1Json),
        };
        var payload = await payloads.BuildAsync(repo, caller.RequireUser(), fields, ct);
        return await queue.EnqueueAsync(hook, "ping", payload.ToJsonString(Surfaces.V1Json), null, ct);
    }

    public async Task<Page<WebhookDelivery>> DeliveriesAsync(RepositoryGrant grant, string id, int offset, int limit, CancellationToken ct)
    {
        var (_, hook) = await GetAsync(grant, id, ct);
        return await db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.WebhookId == hook.Id).OrderByDescending(d => d.Id)
            .ToPageAsync(offset, limit, ct);
    }

    public async Task<(WebhookDelivery Delivery, List<WebhookAttempt> Attempts)> DeliveryAsync(RepositoryGrant grant, string id,
        string deliveryId, CancellationToken ct)
    {
        var (_, hook) = await GetAsync(grant, id, ct);
        var did = ParseId(deliveryId, "delivery");
        var delivery = await db.Set<WebhookDelivery>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == did && d.WebhookId == hook.Id, ct)
            ?? throw AnvilException.NotFound("delivery not found");
        var attempts = await db.Set<WebhookAttempt>().AsNoTracking().Where(a => a.DeliveryId == did).OrderBy(a => a.Number).ToListAsync(ct);
        return (delivery, attempts);
    }

    /// <summary>Sends a past delivery again, as a new delivery with the same payload and GUID (GitHub's redelivery).</summary>
    public async Task<WebhookDelivery> RedeliverAsync(RepositoryGrant grant, string id, string deliveryId, CancellationToken ct)
    {
        var (original, _) = await DeliveryAsync(grant, id, deliveryId, ct);
        var hook = await db.Set<Webhook>().FirstAsync(h => h.Id == original.WebhookId, ct);
        return await queue.EnqueueAsync(hook, original.Event, original.Payload, original.Guid, ct);
    }

    private static long ParseId(string id, string what) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw AnvilException.NotFound($"{what} not found");

    private static string ValidUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw AnvilException.Invalid("config.url is required");
        }
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0)
        {
            throw AnvilException.Invalid("config.url must be an absolute http(s) URL without credentials");
        }
        return url;
    }

    private static string? ValidContentType(string? contentType) => contentType switch
    {
        null => null,
        "json" or "application/json" => "json",
        "form" or "application/x-www-form-urlencoded" => "form",
        _ => throw AnvilException.Invalid("config.content_type must be \"json\" or \"form\""),
    };

    private static string ValidSecret(string secret) =>
        secret.Length <= 1024 ? secret : throw AnvilException.Invalid("config.secret must be at most 1024 characters");

    private static bool? ParseInsecureSsl(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } v when v.GetString() is "0" or "1" => v.GetString() == "1",
        // Octokit writes the flag with bool.ToString().
        { ValueKind: JsonValueKind.String } v when bool.TryParse(v.GetString(), out var b) => b,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var n) && n is 0 or 1 => n == 1,
        _ => throw AnvilException.Invalid("config.insecure_ssl must be \"0\" or \"1\""),
    };

    private static string FormatEvents(List<string> events)
    {
        if (events.Count == 0)
        {
            throw AnvilException.Invalid("events must not be empty");
        }
        if (events.FirstOrDefault(e => !KnownEvents.Contains(e)) is { } unknown)
        {
            throw AnvilException.Invalid($"unknown event: {unknown}");
        }
        return string.Join(' ', events.Distinct(StringComparer.Ordinal));
    }
}
