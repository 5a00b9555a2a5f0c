using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.GitData;

/// <summary>GitHub's git data API under <c>/api/v1/repos/{owner}/{name}/git</c>: refs, blobs, trees, commits and annotated tags.</summary>
public static class GitDataEndpoints
{
    public sealed record RefBody(string? Ref, string? Sha);

    public sealed record UpdateRefBody(string? Sha, bool? Force);

    public sealed record BlobBody(string? Content, string? Encoding);

    /// <summary>Tree entries stay JSON objects: GitHub tells an explicit <c>"sha": null</c> (delete the path) from a missing one.</summary>
    public sealed record TreeBody(string? BaseTree, List<JsonObject>? Tree);

    public sealed record CommitBody(string? Message, string? Tree, List<string>? Parents, PersonInput? Author, PersonInput? Committer);

    public sealed record TagBody(string? Tag, string? Message, string? Object, string? Type, PersonInput? Tagger);

    private static GitDataViews.Links LinksFor(HttpContext ctx, RepositoryContext current) => new(ctx.PublicBaseUrl(), current.Grant.Repository);

    public static void MapGitDataEndpoints(this IEndpointRouteBuilder app)
    {
        var git = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}/git");

        git.MapGet("/ref/{*ref}", async (HttpContext ctx, RepositoryContext current, string @ref, GitDataService data) =>
        {
            var found = await data.GetRefAsync(current.Grant, BrowsingEndpoints.CatchAll(@ref), ctx.RequestAborted);
            return ApiJson.Json(ctx, found.ToView(LinksFor(ctx, current)));
        });
        git.MapGet("/matching-refs/{*ref}", (HttpContext ctx, RepositoryContext current, string? @ref, GitDataService data) =>
            MatchingAsync(ctx, current, BrowsingEndpoints.CatchAll(@ref ?? ""), data));
        git.MapGet("/refs", (HttpContext ctx, RepositoryContext current, GitDataService data) => MatchingAsync(ctx, current, "", data));
        // The older form Octokit.NET still calls: one ref when the name is exact, else every ref under it as a namespace.
        git.MapGet("/refs/{*ref}", async Task<Results<JsonOk<GitDataViews.Ref>, JsonOk<List<GitDataViews.Ref>>>> (HttpContext ctx, 
            RepositoryContext current, string @ref, GitDataService data) =>
        {
            var prefix = BrowsingEndpoints.CatchAll(@ref).TrimEnd('/');
            var refs = await data.MatchingRefsAsync(current.Grant, prefix, ctx.RequestAborted);
            var links = LinksFor(ctx, current);
            var full = prefix.StartsWith("refs/", StringComparison.Ordinal) ? prefix : "refs/" + prefix;
            if (refs.FirstOrDefault(r => r.Name == full) is { } exact)
            {
                return ApiJson.Json(ctx, exact.ToView(links));
            }
            var under = refs.Where(r => r.Name.StartsWith(full + "/", StringComparison.Ordinal)).Select(r => r.ToView(links)).ToList();
            return under.Count > 0 ? ApiJson.Json(ctx, under) : throw AnvilException.NotFound("Not Found");
        });

        git.MapPost("/refs", async (HttpContext ctx, JsonBody<RefBody> input, RepositoryContext current, GitDataService data) =>
        {
            var body = await input.ReadAsync();
            var created = await data.CreateRefAsync(current.Grant, body.Ref, body.Sha, ctx.RequestAborted);
            return ApiJson.Created(ctx, created.ToView(LinksFor(ctx, current)));
        }).RequireUser(Scopes.RepoWrite);
        git.MapPatch("/refs/{*ref}", async (HttpContext ctx, JsonBody<UpdateRefBody> input, RepositoryContext current, string @ref, GitDataService data) =>
        {
            var body = await input.ReadAsync();
            var updated = await data.UpdateRefAsync(current.Grant, BrowsingEndpoints.CatchAll(@ref), body.Sha, body.Force ?? false, ctx.RequestAborted);
            return ApiJson.Json(ctx, updated.ToView(LinksFor(ctx, current)));
        }).RequireUser(Scopes.RepoWrite);
        git.MapDelete("/refs/{*ref}", async (HttpContext ctx, RepositoryContext current, string @ref, GitDataService data) =>
        {
            await data.DeleteRefAsync(current.Grant, BrowsingEndpoints.CatchAll(@ref), ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        git.MapGet("/blobs/{sha}", async (HttpContext ctx, RepositoryContext current, string sha, GitDataService data) =>
        {
            var blob = await data.GetBlobAsync(current.Grant, sha, ctx.RequestAborted);
            return ApiJson.Json(ctx, blob.ToView(LinksFor(ctx, current)));
        });
        git.MapPost("/blobs", async (HttpContext ctx, JsonBody<BlobBody> input, RepositoryContext current, GitDataService data) =>
        {
            var body = await input.ReadAsync();
            var sha = await data.CreateBlobAsync(current.Grant, body.Content, body.Encoding, ctx.RequestAborted);
            return ApiJson.Created(ctx, new GitDataViews.BlobCreated(LinksFor(ctx, current).Object("blob", sha), sha));
        }).RequireUser(Scopes.RepoWrite);

        git.MapGet("/trees/{*sha}", async (HttpContext ctx, RepositoryContext current, string sha, GitDataService data) =>
        {
            // GitHub: any value of recursive (even "0" or "false") asks for the whole tree.
            var recursive = ctx.Request.Query.ContainsKey("recursive");
            var (tree, entries, truncated) = await data.GetTreeAsync(current.Grant, BrowsingEndpoints.CatchAll(sha), recursive, ctx.RequestAborted);
            return ApiJson.Json(ctx, entries.ToView(tree, truncated, LinksFor(ctx, current)));
        });
        git.MapPost("/trees", async (HttpContext ctx, JsonBody<TreeBody> input, RepositoryContext current, GitDataService data) =>
        {
            var body = await input.ReadAsync();
            var entries = body.Tree?.Select(TreeEntry).ToList();
            var (sha, listing) = await data.CreateTreeAsync(current.Grant, body.BaseTree, entries, ctx.RequestAborted);
            return ApiJson.Created(ctx, listing.ToView(sha, false, LinksFor(ctx, current)));
        }).RequireUser(Scopes.RepoWrite);

        git.MapGet("/commits/{sha}", async (HttpContext ctx, RepositoryContext current, string sha, GitDataService data) =>
        {
            var commit = await data.GetCommitAsync(current.Grant, sha, ctx.RequestAborted);
            return ApiJson.Json(ctx, commit.ToView(LinksFor(ctx, current)));
        });
        git.MapPost("/commits", async (HttpContext ctx, JsonBody<CommitBody> input, RepositoryContext current, GitDataService data) =>
        {
            var b = await input.ReadAsync();
            var commit = await data.CreateCommitAsync(current.Grant, b.Message, b.Tree, b.Parents, b.Author, b.Committer, ctx.RequestAborted);
            return ApiJson.Created(ctx, commit.ToView(LinksFor(ctx, current)));
        }).RequireUser(Scopes.RepoWrite);

        git.MapGet("/tags/{sha}", async (HttpContext ctx, RepositoryContext current, string sha, GitDataService data) =>
        {
            var tag = await data.GetTagAsync(current.Grant, sha, ctx.RequestAborted);
            return ApiJson.Json(ctx, tag.ToView(LinksFor(ctx, current)));
        });
        git.MapPost("/tags", async (HttpContext ctx, JsonBody<TagBody> input, RepositoryContext current, GitDataService data) =>
        {
            var b = await input.ReadAsync();
            var tag = await data.CreateTagAsync(current.Grant, b.Tag, b.Message, b.Object, b.Type, b.Tagger, ctx.RequestAborted);
            return ApiJson.Created(ctx, tag.ToView(LinksFor(ctx, current)));
        }).RequireUser(Scopes.RepoWrite);
    }

    private static async Task<JsonOk<List<GitDataViews.Ref>>> MatchingAsync(HttpContext ctx, RepositoryContext current, string prefix, GitDataService data)
    {
        var refs = await data.MatchingRefsAsync(current.Grant, prefix, ctx.RequestAborted);
        var links = LinksFor(ctx, current);
        return ApiJson.Json(ctx, refs.Select(r => r.ToView(links)).ToList());
    }

    private static TreeEntryInput TreeEntry(JsonObject e) =>
        new(Text(e, "path"), Text(e, "mode"), Text(e, "type"), Text(e, "sha"), Text(e, "content"), e.TryGetPropertyValue("sha", out var sha) && sha is null);

    private static string? Text(JsonObject o, string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw AnvilException.Invalid("Tree", key, $"tree.{key} must be a string"),
    };
}
