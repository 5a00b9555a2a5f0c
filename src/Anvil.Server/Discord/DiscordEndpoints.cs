using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;
using Anvil.Server.Webhooks;

namespace Anvil.Server.Discord;

/// <summary>Discord account linking and the Discord notification channel (sigmagit surface).</summary>
public static class DiscordEndpoints
{
    public sealed record GenerateBody([property: Required] string? DiscordId, string? SigmagitEmail);
    public sealed record VerifyBody([property: Required] string? Token, [property: Required] string? SigmagitUserId);
    public sealed record UnlinkBody(string? DiscordId);
    public sealed record RepositoryRef(string? Owner, string? Name);
    public sealed record InboundBody(string? Type, RepositoryRef? Repository, JsonObject? Data);

    public sealed record LinkToken(bool Success, string Token);
    public sealed record LinkVerified(bool Success, bool Linked, UserViews.Summary User);
    public sealed record LinkRemoved(bool Success, bool Unlinked);
    public sealed record LinkState(bool Linked, bool Verified, UserViews.Summary? User);
    public sealed record DeliveryQueued(bool Success, bool Queued, string DeliveryId);

    private static readonly HashSet<string> InboundTypes = ["issue", "pull_request", "push", "star", "fork"];

    public static void MapDiscordEndpoints(this IEndpointRouteBuilder app)
    {
        var link = app.MapGroup("/api/discord/link");
        link.MapPost("/generate", async (HttpContext ctx, JsonBody<GenerateBody> input, DiscordLinkService service) =>
        {
            var body = await input.ReadAsync();
            var token = await service.GenerateAsync(body.DiscordId, body.SigmagitEmail, ctx.RequestAborted);
            return ApiJson.Json(ctx, new LinkToken(true, token));
        });
        link.MapPost("/verify", async (HttpContext ctx, JsonBody<VerifyBody> input, DiscordLinkService service) =>
        {
            var body = await input.ReadAsync();
            var user = await service.VerifyAsync(body.Token, body.SigmagitUserId, ctx.RequestAborted);
            return ApiJson.Json(ctx, new LinkVerified(true, true, user.ToSummary(ctx.PublicBaseUrl())));
        });
        link.MapPost("/unlink", async (HttpContext ctx, JsonBody<UnlinkBody> input, DiscordLinkService service) =>
        {
            var body = await input.ReadAsync();
            var unlinked = await service.UnlinkAsync(body.DiscordId, ctx.RequestAborted);
            return ApiJson.Json(ctx, new LinkRemoved(true, unlinked));
        });
        link.MapGet("/status/{discordId}", async (HttpContext ctx, string discordId, DiscordLinkService service) =>
        {
            var status = await service.StatusAsync(discordId, ctx.RequestAborted);
            return ApiJson.Json(ctx, new LinkState(status.Linked, status.Verified, status.User?.ToSummary(ctx.PublicBaseUrl())));
        });

        var hooks = app.MapGroup("/api/webhooks/discord");
        hooks.MapPost("", async (HttpContext ctx, JsonBody<InboundBody> input, DiscordBot bot, WebhookQueue queue) =>
        {
            bot.RequireBot();
            var body = await input.ReadAsync();
            if (body.Type is null || !InboundTypes.Contains(body.Type))
            {
                throw AnvilException.Invalid($"type must be one of {string.Join(", ", InboundTypes)}");
            }
            if (string.IsNullOrWhiteSpace(body.Repository?.Owner) || string.IsNullOrWhiteSpace(body.Repository.Name))
            {
                throw AnvilException.BadRequest("repository.owner and repository.name are required");
            }
            var message = DiscordEmbeds.Inbound(body.Type, body.Repository.Owner, body.Repository.Name, body.Data);
            var delivery = await queue.EnqueueDiscordAsync(null, body.Type, message, ctx.RequestAborted);
            return ApiJson.Accepted(ctx, new DeliveryQueued(true, true, delivery.Guid.ToString()));
        });
        hooks.MapGet("/test", async (HttpContext ctx, Caller caller, WebhookQueue queue, AnvilOptions options) =>
        {
            if (!caller.RequireUser().IsAdmin)
            {
                throw AnvilException.Forbidden("only site administrators may do this");
            }
            caller.RequireScope(Scopes.Admin);
            var delivery = await queue.EnqueueDiscordAsync(null, "test", DiscordEmbeds.Test(options.InstanceName), ctx.RequestAborted);
            return ApiJson.Json(ctx, new DeliveryQueued(true, true, delivery.Guid.ToString()));
        });
    }
}
