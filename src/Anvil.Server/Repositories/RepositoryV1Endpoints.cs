using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;

namespace Anvil.Server.Repositories;

/// <summary>Repositories, forks, stars and collaborators in GitHub's shapes (<c>/api/v1/…</c>).</summary>
public static class RepositoryV1Endpoints
{
    public sealed record CreateBody([property: Required] string? Name, string? Description, bool? Private, string? Visibility, bool? AutoInit, string? DefaultBranch);
    public sealed record UpdateBody(string? Name, string? Description, bool? Private, string? Visibility, string? DefaultBranch, bool? Archived);
    public sealed record ForkBody(string? Name, string? Description);
    public sealed record CollaboratorBody(string? Permission);
    public sealed record TopicsBody(List<string?>? Names);
    public sealed record TopicList(List<string> Names);

    private static bool? PrivateFlag(bool? isPrivate, string? visibility) =>
        RepositoryEndpoints.ParseVisibility(visibility is "internal" ? "private" : visibility) ?? isPrivate;

    public static void MapRepositoryV1Endpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1");

        v1.MapPost("/user/repos", async (HttpContext ctx, JsonBody<CreateBody> input, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync();
            var repo = await service.CreateAsync(new CreateRepository(body.Name, body.Description, PrivateFlag(body.Private, body.Visibility),
                body.DefaultBranch, body.AutoInit ?? false), ctx.RequestAborted);
            return ApiJson.Created(ctx, await views.V1Async(repo, ctx.RequestAborted));
        }).RequireUser(Scopes.RepoWrite);
        v1.MapGet("/user/repos", async (HttpContext ctx, RepositoryService service, RepositoryViews views) =>
        {
            var page = PageRequest.From(ctx.Request);
            var q = ctx.Request.Query;
            var filter = new RepositoryListFilter(Text(q["visibility"]), Text(q["affiliation"]), Text(q["type"]), Text(q["sort"]), ctx.Request.Ascending());
            return await ListAsync(ctx, page, await service.ListMineAsync(page.Offset, page.PerPage, ctx.RequestAborted, filter), views);
        }).RequireUser(Scopes.RepoRead);
        v1.MapGet("/users/{username}/repos", async (HttpContext ctx, string username, UserService users, RepositoryService service, RepositoryViews views) =>
        {
            var page = PageRequest.From(ctx.Request);
            var owner = await users.GetByUsernameAsync(username, ctx.RequestAborted);
            var order = new RepositoryListFilter(Sort: Text(ctx.Request.Query["sort"]), Ascending: ctx.Request.Ascending());
            return await ListAsync(ctx, page, await service.ListOwnedAsync(owner, page.Offset, page.PerPage, ctx.RequestAborted, order), views);
        }).CacheAnonymousReads();

        // GitHub's repository by id (PyGithub's get_repo(id)); a private one the caller cannot read is not found.
        v1.MapGet("/repositories/{id:long}", async (HttpContext ctx, long id, RepositoryAccess access, RepositoryViews views) =>
            ApiJson.Json(ctx, await views.V1Async((await access.ReadByIdAsync(id, ctx.RequestAborted)).Repository, ctx.RequestAborted)))
            .CacheAnonymousReads();
        var repo = v1.MapRepositoryGroup("/repos/{owner}/{name}").CacheAnonymousReads();
        repo.MapGet("", async (HttpContext ctx, RepositoryContext current, RepositoryViews views) =>
            ApiJson.Json(ctx, await views.V1Async(current.Grant.Repository, ctx.RequestAborted)));
        repo.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync();
            var updated = await service.UpdateAsync(current.Grant,
                new UpdateRepository(body.Name, body.Description, PrivateFlag(body.Private, body.Visibility), body.DefaultBranch, body.Archived), ctx.RequestAborted);
            return ApiJson.Json(ctx, await views.V1Async(updated, ctx.RequestAborted));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            await service.DeleteAsync(current.Grant, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPost("/forks", async (HttpContext ctx, OptionalJsonBody<ForkBody> input, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var body = await input.ReadAsync(new ForkBody(null, null));
            var fork = await service.ForkAsync(current.Grant, body!.Name, body.Description, ctx.RequestAborted);
            // GitHub answers 202: forking may finish later. Here it is done, but clients expect the status.
            return ApiJson.Accepted(ctx, await views.V1Async(fork, ctx.RequestAborted));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapGet("/forks", async (HttpContext ctx, RepositoryContext current, RepositoryService service, RepositoryViews views) =>
        {
            var page = PageRequest.From(ctx.Request);
            return await ListAsync(ctx, page, await service.ListForksAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted), views);
        });
        repo.MapGet("/stargazers", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            var page = PageRequest.From(ctx.Request);
            var users = await service.StargazersAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, users, u => u.ToV1Simple(ctx.PublicBaseUrl()));
        });

        repo.MapGet("/topics", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
            ApiJson.Json(ctx, new TopicList(await service.TopicsAsync(current.Grant, ctx.RequestAborted))));
        repo.MapPut("/topics", async (HttpContext ctx, JsonBody<TopicsBody> input, RepositoryContext current, RepositoryService service) =>
        {
            var body = await input.ReadAsync();
            var names = body.Names ?? throw AnvilException.Invalid("Repository", "names", "names is required: the list of topics");
            return ApiJson.Json(ctx, new TopicList(await service.ReplaceTopicsAsync(current.Grant, names, ctx.RequestAborted)));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/collaborators", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            var list = await service.ListCollaboratorsAsync(current.Grant, ctx.RequestAborted);
            return ApiJson.Json(ctx, list.Select(c =>
            {
                // GitHub's collaborator is the user object plus the role they hold here.
                var node = JsonSerializer.SerializeToNode(c.User.ToV1Simple(ctx.PublicBaseUrl()), Surfaces.V1Json)!.AsObject();
                node["role_name"] = PermissionName(c.Permission);
                node["permissions"] = new JsonObject
                {
                    ["admin"] = c.Permission >= RepositoryPermission.Admin,
                    ["push"] = c.Permission >= RepositoryPermission.Write,
                    ["pull"] = true,
                };
                return node;
            }));
        }).RequireUser(Scopes.RepoRead);
        // Both need push access, as on GitHub ("Must have push access to view repository collaborators").
        repo.MapGet("/collaborators/{username}", async (HttpContext ctx, RepositoryContext current, string username, RepositoryAccess access, UserService users) =>
        {
            var (repository, user) = await CollaboratorAsync(ctx, current, username, access, users);
            return repository.OwnerId == user.Id || await access.IsCollaboratorAsync(repository, user, ctx.RequestAborted)
                ? TypedResults.NoContent()
                : throw AnvilException.NotFound("not a collaborator");
        }).RequireUser(Scopes.RepoRead);
        repo.MapGet("/collaborators/{username}/permission", async (HttpContext ctx, RepositoryContext current, string username, RepositoryAccess access,
            UserService users) =>
        {
            var (repository, user) = await CollaboratorAsync(ctx, current, username, access, users);
            var permission = await access.PermissionOfAsync(repository, user, ctx.RequestAborted);
            var role = permission == RepositoryPermission.None ? "none" : PermissionName(permission);
            return ApiJson.Json(ctx, new CollaboratorPermission(role, role, user.ToV1Simple(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoRead);
        repo.MapPut("/collaborators/{username}", async (HttpContext ctx, OptionalJsonBody<CollaboratorBody> input, RepositoryContext current, string username, RepositoryService service) =>
        {
            var body = await input.ReadAsync(new CollaboratorBody(null));
            var permission = body!.Permission switch
            {
                null or "push" or "write" => RepositoryPermission.Write,
                "pull" or "read" => RepositoryPermission.Read,
                "admin" => RepositoryPermission.Admin,
                _ => throw AnvilException.Invalid("permission must be one of pull, push, admin (or read, write)"),
            };
            await service.SetCollaboratorAsync(current.Grant, username, permission, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/collaborators/{username}", async (HttpContext ctx, RepositoryContext current, string username, RepositoryService service) =>
        {
            await service.RemoveCollaboratorAsync(current.Grant, username, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        var starred = v1.MapGroup("/user/starred");
        starred.MapGet("", async (HttpContext ctx, Caller caller, RepositoryService service, RepositoryViews views) =>
        {
            var page = PageRequest.From(ctx.Request);
            return await ListAsync(ctx, page, await service.StarredByAsync(caller.RequireUser(), page.Offset, page.PerPage, ctx.RequestAborted), views);
        }).RequireUser(Scopes.RepoRead);
        var starredOne = v1.MapRepositoryGroup("/user/starred/{owner}/{name}");
        starredOne.MapGet("", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
            await service.IsStarredAsync(current.Grant, ctx.RequestAborted) ? TypedResults.NoContent() : throw AnvilException.NotFound("not starred"))
            .RequireUser(Scopes.RepoRead);
        starredOne.MapPut("", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            await service.SetStarAsync(current.Grant, true, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);
        starredOne.MapDelete("", async (HttpContext ctx, RepositoryContext current, RepositoryService service) =>
        {
            await service.SetStarAsync(current.Grant, false, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);
    }

    public sealed record CollaboratorPermission(string Permission, string RoleName, UserViews.V1SimpleUser User);

    private static async Task<(Repository Repository, User User)> CollaboratorAsync(HttpContext ctx, RepositoryContext current, string username,
        RepositoryAccess access, UserService users)
    {
        var repository = current.Grant.Require(RepositoryPermission.Write).Repository;
        return (repository, await users.GetByUsernameAsync(username, ctx.RequestAborted));
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>GitHub's role name of a permission (the pages show it too).</summary>
    public static string PermissionName(RepositoryPermission p) => p switch
    {
        RepositoryPermission.Admin => "admin",
        RepositoryPermission.Write => "write",
        _ => "read",
    };

    private static async Task<JsonOk<List<RepositoryViews.V1>>> ListAsync(HttpContext ctx, PageRequest page, Page<Repository> repos, RepositoryViews views) =>
        page.Answer(ctx, repos.With(await views.V1Async(repos.Items, ctx.RequestAborted)));
}
