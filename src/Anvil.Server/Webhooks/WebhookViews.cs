using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

/// <summary>GitHub's JSON shapes of hooks and deliveries (v1 surface).</summary>
public static class WebhookViews
{
    public const string MaskedSecret = "********";

    public sealed record HookConfigView(string ContentType, string InsecureSsl, string Url, string? Secret);

    public sealed record LastResponse(int? Code, string Status, string? Message);

    public sealed record HookView(string Type, long Id, string Name, bool Active, IReadOnlyList<string> Events, HookConfigView Config,
        DateTime UpdatedAt, DateTime CreatedAt, string Url, string TestUrl, string PingUrl, string DeliveriesUrl, LastResponse LastResponse);

    /// <summary>A hook's <c>config</c>, in the hook and at <c>…/hooks/{id}/config</c>.</summary>
    public static HookConfigView Config(Webhook h) =>
        // The secret is write-only: its presence shows as a mask, its value never leaves the server.
        new(h.ContentType, h.InsecureSsl ? "1" : "0", h.Url, h.Secret is null ? null : MaskedSecret);

    public static HookView Hook(Webhook h, Repository repo, string baseUrl)
    {
        var url = $"{baseUrl}/api/v1/repos/{repo.Owner.Username}/{repo.Name}/hooks/{h.Id}";
        return new HookView("Repository", h.Id, "web", h.Active, h.EventList,
            Config(h), h.UpdatedAt, h.CreatedAt, url, url + "/test", url + "/pings", url + "/deliveries",
            new LastResponse(h.LastResponseCode, h.LastResponseStatus ?? "unused", h.LastResponseMessage));
    }

    public sealed record DeliveryView(long Id, Guid Guid, DateTime DeliveredAt, bool Redelivery, double Duration, string Status,
        int StatusCode, string Event, string? Action, long? InstallationId, long? RepositoryId, DateTime? ThrottledAt,
        string State, int Attempts, DateTime? NextAttemptAt);

    /// <summary>A delivery in GitHub's list shape, plus Anvil's <c>state</c>, <c>attempts</c> and <c>next_attempt_at</c>.</summary>
    public static DeliveryView Delivery(WebhookDelivery d) => new(d.Id, d.Guid, d.DeliveredAt ?? d.CreatedAt, d.Redelivery,
        (d.LastDurationMs ?? 0) / 1000.0, d.LastStatus ?? "Pending", d.LastStatusCode ?? 0, d.Event, d.Action, null, d.RepositoryId, null,
        d.State.ToString().ToLowerInvariant(), d.AttemptCount, d.State == DeliveryState.Pending ? d.NextAttemptAt : null);

    public sealed record AttemptView(int Number, string Url, DateTime StartedAt, double Duration, int? StatusCode, string? Error,
        JsonNode? RequestHeaders, JsonNode? ResponseHeaders, string? ResponseBody);

    public sealed record RequestView(JsonNode? Headers, JsonNode? Payload);

    public sealed record ResponseView(JsonNode? Headers, string? Payload);

    public sealed record DeliveryDetail(long Id, Guid Guid, DateTime DeliveredAt, bool Redelivery, double Duration, string Status,
        int StatusCode, string Event, string? Action, long? InstallationId, long? RepositoryId, DateTime? ThrottledAt,
        string State, DateTime? NextAttemptAt, string? Url, RequestView Request, ResponseView Response, List<AttemptView> Attempts);

    /// <summary>One delivery with GitHub's <c>request</c>/<c>response</c> (of the latest attempt) and every attempt.</summary>
    public static DeliveryDetail Detail(WebhookDelivery d, IReadOnlyList<WebhookAttempt> attempts)
    {
        var last = attempts.LastOrDefault();
        var summary = Delivery(d);
        return new DeliveryDetail(summary.Id, summary.Guid, summary.DeliveredAt, summary.Redelivery, summary.Duration, summary.Status,
            summary.StatusCode, summary.Event, summary.Action, null, d.RepositoryId, null, summary.State, summary.NextAttemptAt, last?.Url,
            new RequestView(Parse(last?.RequestHeaders), Parse(d.Payload)),
            new ResponseView(Parse(last?.ResponseHeaders), last?.ResponseBody),
            attempts.Select(a => new AttemptView(a.Number, a.Url, a.StartedAt, a.DurationMs / 1000.0, a.StatusCode, a.Error,
                Parse(a.RequestHeaders), Parse(a.ResponseHeaders), a.ResponseBody)).ToList());
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
