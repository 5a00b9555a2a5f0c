using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;

namespace Anvil.Server.Repositories;

/// <summary>Repositories on the sigmagit surface (<c>/api/repositories…</c>).</summary>
public static class RepositoryEndpoints
{
    public sealed record CreateBody([property: Required] string? Name, string? Description, string? Visibility, string? DefaultBranch, bool? AutoInit);
    public sealed record UpdateBody(string? Name, string? Description, string? Visibility, string? DefaultBranch);
    public sealed record ForkBody(string? Name, string? Description);

    /// <summary>"public"/"private" to the private flag; anything else is refused.</summary>
    public static bool? ParseVisibility(string? visibility) => visibility switch
    {
        null => null,
        "public" => false,
        "private" => true,
        _ => throw AnvilException.BadRequest("visibility must be 'public' or 'private'"),
    };

    public static void MapRepositoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/repositories", async (HttpContext ctx, JsonBody<CreateBody> input, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync();
            var repo = await service.CreateAsync(new CreateRepository(body.Name, body.Description, ParseVisibility(body.Visibility),
                body.DefaultBranch, body.AutoInit ?? false), ctx.RequestAborted);
            return ApiJson.Created(ctx, new RepositoryViews.RepoEnvelope(await views.SigmagitAsync(repo, ctx.RequestAborted)));
        }).RequireUser(Scopes.RepoWrite);

        var one = app.MapRepositoryGroup("/api/repositories/{owner}/{name}").CacheAnonymousReads();
        one.MapGet("", async (HttpContext ctx, RepositoryContext current, RepositoryViews views) =>
        {
            var grant = current.Grant;
            return ApiJson.Json(ctx, new RepositoryViews.RepoEnvelope(await views.SigmagitAsync(grant.Repository, ctx.RequestAborted)));
        });
        one.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync();
            var repo = await service.UpdateAsync(current.Grant,
                new UpdateRepository(body.Name, body.Description, ParseVisibility(body.Visibility), body.DefaultBranch), ctx.RequestAborted);
            return ApiJson.Json(ctx, new RepositoryViews.RepoEnvelope(await views.SigmagitAsync(repo, ctx.RequestAborted)));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            await service.DeleteAsync(current.Grant, ctx.RequestAborted);
            return ApiJson.Success(ctx);
        }).RequireUser(Scopes.RepoWrite);

        one.MapPost("/fork", async (HttpContext ctx, OptionalJsonBody<ForkBody> input, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync(new ForkBody(null, null));
            var fork = await service.ForkAsync(current.Grant, body!.Name, body.Description, ctx.RequestAborted);
            return ApiJson.Created(ctx, new RepositoryViews.RepoEnvelope(await views.SigmagitAsync(fork, ctx.RequestAborted)));
        }).RequireUser(Scopes.RepoWrite);
        one.MapGet("/forks", async (HttpContext ctx, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var forks = await service.ListForksAsync(current.Grant, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new RepositoryViews.ForkList(await views.SigmagitAsync(forks.Items, ctx.RequestAborted), forks.HasMore));
        });

        one.MapPost("/star", (HttpContext ctx, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
            SetStar(ctx, current, true, service, views)).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/star", (HttpContext ctx, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
            SetStar(ctx, current, false, service, views)).RequireUser(Scopes.RepoWrite);
        one.MapGet("/stars", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var users = await service.StargazersAsync(current.Grant, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new RepositoryViews.StargazerList(users.Items.Select(u => u.ToSummary(ctx.PublicBaseUrl())), users.HasMore));
        });

        app.MapGet("/api/users/{username}/repositories", async (HttpContext ctx, string username, UserService users, RepositoryService service, RepositoryViews views) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var owner = await users.GetByUsernameAsync(username, ctx.RequestAborted);
            var repos = await service.ListOwnedAsync(owner, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new RepositoryViews.RepositoryList(await views.SigmagitAsync(repos.Items, ctx.RequestAborted), repos.HasMore));
        }).CacheAnonymousReads();
    }

    private static async Task<JsonOk<RepositoryViews.StarState>> SetStar(HttpContext ctx, RepositoryContext current, bool starred, RepositoryService service, RepositoryViews views)
    {
        var repo = await service.SetStarAsync(current.Grant, starred, ctx.RequestAborted);
        var view = await views.SigmagitAsync(repo, ctx.RequestAborted);
        return ApiJson.Json(ctx, new RepositoryViews.StarState(view.Starred, view.StarCount));
    }
}
