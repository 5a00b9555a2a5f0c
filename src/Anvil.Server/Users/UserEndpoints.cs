using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Users;

public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/users/me");
        me.MapGet("", (HttpContext ctx, Caller caller) => ApiJson.Json(ctx, new UserViews.MeEnvelope(caller.RequireUser().ToMe(ctx.PublicBaseUrl()))))
            .RequireUser(Scopes.UserRead);
        me.MapGet("/summary", (HttpContext ctx, Caller caller) => ApiJson.Json(ctx, new UserViews.SummaryEnvelope(caller.RequireUser().ToSummary(ctx.PublicBaseUrl()))))
            .RequireUser(Scopes.UserRead);

        // Settings live under /api/users/me/settings and, for sigmagit's client, /api/settings.
        foreach (var (settings, avatar) in new[] { ("/api/users/me/settings", "/api/users/me/avatar"), ("/api/settings", "/api/settings/avatar") })
        {
            app.MapGet(settings, GetSettings).RequireUser(Scopes.UserRead);
            app.MapPatch(settings, UpdateSettings).RequireUser(Scopes.UserWrite);
            app.MapPost(settings + "/preferences", UpdatePreferences).RequireUser(Scopes.UserWrite);
            app.MapPatch(avatar, UploadAvatar).RequireUser(Scopes.UserWrite)
                .WithMetadata(new BodyLimit(UserService.MaxAvatarBytes + 64 * 1024)).DisableAntiforgery();
            app.MapDelete(avatar, RemoveAvatar).RequireUser(Scopes.UserWrite);
        }

        app.MapGet("/api/users/{username}", async (HttpContext ctx, string username, UserService users) =>
            ApiJson.Json(ctx, new UserViews.ProfileEnvelope((await users.GetByUsernameAsync(username, ctx.RequestAborted)).ToProfile(ctx.PublicBaseUrl()))));
        app.MapGet("/api/users/{username}/profile", async (HttpContext ctx, string username, UserService users) =>
            ApiJson.Json(ctx, new UserViews.ProfileEnvelope((await users.GetByUsernameAsync(username, ctx.RequestAborted)).ToProfile(ctx.PublicBaseUrl()))));
        app.MapGet("/api/users/{username}/avatar", GetAvatar);

        app.MapGet("/api/v1/user", (HttpContext ctx, Caller caller) => ApiJson.Json(ctx, Self(ctx, caller.RequireUser()))).RequireUser(Scopes.UserRead);
        app.MapPatch("/api/v1/user", UpdateV1).RequireUser(Scopes.UserWrite);
        app.MapGet("/api/v1/users/{username}", async (HttpContext ctx, string username, UserService users, Caller caller) =>
        {
            var user = await users.GetByUsernameAsync(username, ctx.RequestAborted);
            return ApiJson.Json(ctx, user.ToV1(ctx.PublicBaseUrl(), self: user.Id == caller.UserId, publicRepos: 0));
        });
    }

    /// <summary>GitHub's private user: the signed-in user as <c>GET /user</c> and <c>PATCH /user</c> answer them.</summary>
    private static UserViews.V1User Self(HttpContext ctx, User user) => user.ToV1(ctx.PublicBaseUrl(), self: true, publicRepos: 0);

    /// <summary>The body of GitHub's "Update the authenticated user"; a field left out (or null) is kept.</summary>
    public sealed record V1ProfileUpdate(string? Name, string? Email, string? Blog, string? TwitterUsername, string? Company,
        string? Location, bool? Hireable, string? Bio);

    private static async Task<JsonOk<UserViews.V1User>> UpdateV1(HttpContext ctx, JsonBody<V1ProfileUpdate> input, Caller caller, UserService users)
    {
        var body = await input.ReadAsync();
        var update = new ProfileUpdate(body.Name, body.Email, body.Bio, body.Location, body.Blog, body.Company, Pronouns: null)
        {
            TwitterUsername = body.TwitterUsername,
            Hireable = body.Hireable,
        };
        return ApiJson.Json(ctx, Self(ctx, await users.UpdateProfileAsync(caller.RequireUser().Id, update, ctx.RequestAborted)));
    }

    private static UserViews.SettingsEnvelope SettingsView(User u, string baseUrl) => new(new UserViews.Settings(u.Name, u.Email, u.Bio,
        u.Location, u.Website, u.Company, u.Pronouns, UserViews.AvatarUrl(u, baseUrl), UserService.ReadPreferences(u)));

    private static JsonOk<UserViews.SettingsEnvelope> GetSettings(HttpContext ctx, Caller caller) =>
        ApiJson.Json(ctx, SettingsView(caller.RequireUser(), ctx.PublicBaseUrl()));

    private static async Task<JsonOk<UserViews.SettingsEnvelope>> UpdateSettings(HttpContext ctx, JsonBody<ProfileUpdate> input, Caller caller, UserService users)
    {
        var update = await input.ReadAsync();
        var user = await users.UpdateProfileAsync(caller.RequireUser().Id, update, ctx.RequestAborted);
        return ApiJson.Json(ctx, SettingsView(user, ctx.PublicBaseUrl()));
    }

    private static async Task<JsonOk<UserViews.PreferencesEnvelope>> UpdatePreferences(HttpContext ctx, JsonBody<JsonObject> input, Caller caller, UserService users)
    {
        var changes = await input.ReadAsync();
        var prefs = await users.UpdatePreferencesAsync(caller.RequireUser().Id, changes, ctx.RequestAborted);
        return ApiJson.Json(ctx, new UserViews.PreferencesEnvelope(prefs));
    }

    private static async Task<JsonOk<UserViews.AvatarView>> UploadAvatar(HttpContext ctx, Caller caller, UserService users)
    {
        var form = await ctx.Request.ReadMultipartFormAsync("avatar");
        var file = form.Files.GetFile("avatar") ?? form.Files.GetFile("file") ?? form.Files.FirstOrDefault()
            ?? throw AnvilException.BadRequest("an image file is required (form field 'avatar')");
        await using var stream = file.OpenReadStream();
        var user = await users.SetAvatarAsync(caller.RequireUser().Id, stream, file.Length, ctx.RequestAborted);
        return ApiJson.Json(ctx, new UserViews.AvatarView(UserViews.AvatarUrl(user, ctx.PublicBaseUrl())));
    }

    private static async Task<JsonOk<UserViews.AvatarView>> RemoveAvatar(HttpContext ctx, Caller caller, UserService users)
    {
        var user = await users.RemoveAvatarAsync(caller.RequireUser().Id, ctx.RequestAborted);
        return ApiJson.Json(ctx, new UserViews.AvatarView(UserViews.AvatarUrl(user, ctx.PublicBaseUrl())));
    }

    private static async Task<IResult> GetAvatar(HttpContext ctx, string username, UserService users)
    {
        var user = await users.GetByUsernameAsync(username, ctx.RequestAborted);
        // A URL carrying the current version never changes meaning, so it may be cached for good.
        ctx.Response.Headers.CacheControl = ctx.Request.Query["v"] == user.AvatarVersion.ToString()
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        ctx.Response.Headers.ETag = $"\"{user.Id}-{user.AvatarVersion}\"";
        ctx.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var stream = await users.OpenAvatarAsync(user, ctx.RequestAborted);
        return stream is null
            ? Results.Text(UserService.DefaultAvatarSvg(user), "image/svg+xml")
            : Results.Stream(stream, user.AvatarContentType);
    }
}
