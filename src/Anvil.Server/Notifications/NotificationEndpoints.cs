using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;

namespace Anvil.Server.Notifications;

public static class NotificationEndpoints
{
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/notifications").RequireUser(Scopes.Notifications);
        inbox.MapGet("", async (HttpContext ctx, NotificationService service) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var unreadOnly = ctx.Request.Bool("unread") ?? false;
            var list = await service.ListAsync(unreadOnly, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new NotificationViews.NotificationList(list.Items.Select(n => NotificationViews.ToSigmagit(n, ctx.PublicBaseUrl())),
                list.HasMore, await service.UnreadCountAsync(ctx.RequestAborted)));
        });
        inbox.MapGet("/unread-count", async (HttpContext ctx, NotificationService service) =>
            ApiJson.Json(ctx, new NotificationViews.UnreadCount(await service.UnreadCountAsync(ctx.RequestAborted))));
        inbox.MapPatch("/{id}/read", async (HttpContext ctx, string id, NotificationService service) =>
        {
            await service.MarkReadAsync(ParseId(id), ctx.RequestAborted);
            return ApiJson.Success(ctx);
        });
        inbox.MapPost("/mark-all-read", async (HttpContext ctx, NotificationService service) =>
            ApiJson.Json(ctx, new NotificationViews.MarkedAllRead(true, await service.MarkAllReadAsync(ctx.RequestAborted))));
        inbox.MapDelete("/{id}", async (HttpContext ctx, string id, NotificationService service) =>
        {
            await service.DeleteAsync(ParseId(id), ctx.RequestAborted);
            return ApiJson.Success(ctx);
        });

        var v1 = app.MapGroup("/api/v1/notifications").RequireUser(Scopes.Notifications);
        v1.MapGet("", async (HttpContext ctx, NotificationService service) =>
        {
            var page = PageRequest.From(ctx.Request);
            // GitHub lists unread threads unless all=true.
            var all = ctx.Request.Bool("all") ?? false;
            var filter = new NotificationFilter(!all, ctx.Request.Bool("participating") ?? false,
                ctx.Request.Timestamp("since")?.UtcDateTime, ctx.Request.Timestamp("before")?.UtcDateTime);
            var list = await service.ListAsync(filter, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, list, n => NotificationViews.ToV1(n, ctx.PublicBaseUrl()));
        });
        v1.MapPut("", async (HttpContext ctx, NotificationService service) =>
        {
            await service.MarkAllReadAsync(ctx.RequestAborted);
            return ApiJson.ResetContent();
        });
        v1.MapGet("/threads/{id}", async (HttpContext ctx, string id, NotificationService service) =>
            ApiJson.Json(ctx, NotificationViews.ToV1(await service.GetAsync(ParseId(id), ctx.RequestAborted), ctx.PublicBaseUrl())));
        v1.MapPatch("/threads/{id}", async (HttpContext ctx, string id, NotificationService service) =>
        {
            await service.MarkReadAsync(ParseId(id), ctx.RequestAborted);
            return ApiJson.ResetContent();
        });
        v1.MapDelete("/threads/{id}", async (HttpContext ctx, string id, NotificationService service) =>
        {
            await service.DeleteAsync(ParseId(id), ctx.RequestAborted);
            return TypedResults.NoContent();
        });

        app.MapGet("/ws", ConnectAsync);
    }

    /// <summary>
    /// <c>/ws</c>, signed in by <c>?token=…</c>, the <c>Authorization</c> header or the cookie (authentication
    /// treats all three as it does everywhere): checked before the upgrade, so a bad credential is a plain 401 or 403
    /// rather than an accepted-then-closed socket.
    /// </summary>
    private static async Task ConnectAsync(HttpContext ctx, Caller caller, NotificationHub hub, WebSocketConnectionLimiter limiter)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            throw AnvilException.BadRequest("expected a WebSocket upgrade request");
        }
        var userId = caller.RequireUser().Id;
        caller.RequireScope(Scopes.Notifications);
        using var lease = limiter.Open(ctx);
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        await hub.RunAsync(socket, userId, ctx.RequestAborted);
    }

    private static long ParseId(string id) =>
        long.TryParse(id, out var v) ? v : throw AnvilException.NotFound("notification not found");
}
