using Anvil.Server.Repositories;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Webhooks;

/// <summary>Repository webhooks in GitHub's paths and shapes (<c>/api/v1/repos/{o}/{r}/hooks…</c>).</summary>
public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        // Scopes are checked by WebhookService.RequireManage (webhooks OR repo:write), not by a route filter.
        var hooks = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}/hooks").RequireUser().WithMetadata(new OwnRightsWithScope(Scopes.Webhooks));

        hooks.MapGet("", async (HttpContext ctx, RepositoryContext current, WebhookService service) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (repo, hooks) = await service.ListAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, hooks, h => WebhookViews.Hook(h, repo, ctx.PublicBaseUrl()));
        });
        hooks.MapPost("", async (HttpContext ctx, JsonBody<CreateHook> input, RepositoryContext current, WebhookService service) =>
        {
            var body = await input.ReadAsync();
            var (repo, hook) = await service.CreateAsync(current.Grant, body, ctx.RequestAborted);
            return ApiJson.Created(ctx, WebhookViews.Hook(hook, repo, ctx.PublicBaseUrl()));
        });
        hooks.MapGet("/{id}", async (HttpContext ctx, RepositoryContext current, string id, WebhookService service) =>
        {
            var (repo, hook) = await service.GetAsync(current.Grant, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, WebhookViews.Hook(hook, repo, ctx.PublicBaseUrl()));
        });
        hooks.MapPatch("/{id}", async (HttpContext ctx, JsonBody<UpdateHook> input, RepositoryContext current, string id, WebhookService service) =>
        {
            var body = await input.ReadAsync();
            var (repo, hook) = await service.UpdateAsync(current.Grant, id, body, ctx.RequestAborted);
            return ApiJson.Json(ctx, WebhookViews.Hook(hook, repo, ctx.PublicBaseUrl()));
        });
        hooks.MapGet("/{id}/config", async (HttpContext ctx, RepositoryContext current, string id, WebhookService service) =>
            ApiJson.Json(ctx, WebhookViews.Config((await service.GetAsync(current.Grant, id, ctx.RequestAborted)).Hook)));
        // The config alone, validated as a hook update's config is.
        hooks.MapPatch("/{id}/config", async (HttpContext ctx, JsonBody<HookConfig> input, RepositoryContext current, string id, WebhookService service) =>
        {
            var config = await input.ReadAsync();
            var (_, hook) = await service.UpdateAsync(current.Grant, id, new UpdateHook(config, null, null, null, null), ctx.RequestAborted);
            return ApiJson.Json(ctx, WebhookViews.Config(hook));
        });
        hooks.MapDelete("/{id}", async (HttpContext ctx, RepositoryContext current, string id, WebhookService service) =>
        {
            await service.DeleteAsync(current.Grant, id, ctx.RequestAborted);
            return TypedResults.NoContent();
        });
        hooks.MapPost("/{id}/pings", async (HttpContext ctx, RepositoryContext current, string id, WebhookService service) =>
        {
            await service.PingAsync(current.Grant, id, ctx.RequestAborted);
            return TypedResults.NoContent();
        });
        hooks.MapGet("/{id}/deliveries", async (HttpContext ctx, RepositoryContext current, string id, WebhookService service) =>
        {
            var page = PageRequest.From(ctx.Request);
            var deliveries = await service.DeliveriesAsync(current.Grant, id, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, deliveries, WebhookViews.Delivery);
        });
        hooks.MapGet("/{id}/deliveries/{deliveryId}", async (HttpContext ctx, RepositoryContext current, string id, string deliveryId,
            WebhookService service) =>
        {
            var (delivery, attempts) = await service.DeliveryAsync(current.Grant, id, deliveryId, ctx.RequestAborted);
            return ApiJson.Json(ctx, WebhookViews.Detail(delivery, attempts));
        });
        hooks.MapPost("/{id}/deliveries/{deliveryId}/attempts", async (HttpContext ctx, RepositoryContext current, string id, string deliveryId,
            WebhookService service) =>
        {
            var redelivery = await service.RedeliverAsync(current.Grant, id, deliveryId, ctx.RequestAborted);
            return ApiJson.Accepted(ctx, WebhookViews.Delivery(redelivery));
        });
    }
}
