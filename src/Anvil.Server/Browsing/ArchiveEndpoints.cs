using Anvil.Server.Repositories;
using Anvil.Git.Reading;
using Microsoft.AspNetCore.Http.Features;

namespace Anvil.Server.Browsing;

/// <summary>
/// GitHub's <c>GET /tarball/{ref}</c> and <c>/zipball/{ref}</c>: the tree of a commit streamed straight from <c>git archive</c>,
/// everything under one top folder <c>{owner}-{repo}-{shortsha}/</c>, the name GitHub gives it (and the file).
/// </summary>
public static class ArchiveEndpoints
{
    public static void MapArchiveEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}");
        foreach (var (segment, format) in new[] { ("tarball", ArchiveFormat.TarGz), ("zipball", ArchiveFormat.Zip) })
        {
            repo.MapGet($"/{segment}", (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
                ArchiveAsync(ctx, current, null, format, browsing));
            repo.MapGet($"/{segment}/{{*ref}}", (HttpContext ctx, RepositoryContext current, string @ref, BrowsingService browsing) =>
                ArchiveAsync(ctx, current, BrowsingEndpoints.CatchAll(@ref), format, browsing));
        }
    }

    private static async Task<IResult> ArchiveAsync(HttpContext ctx, RepositoryContext current, string? gitRef, ArchiveFormat format, BrowsingService browsing)
    {
        var target = await browsing.ResolveForArchiveAsync(current.Grant, gitRef, ctx.RequestAborted);
        var folder = $"{target.Repository.Owner.Username}-{target.Repository.Name}-{target.CommitOid![..7]}";
        var extension = format == ArchiveFormat.Zip ? "zip" : "tar.gz";
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.ContentType = format == ArchiveFormat.Zip ? "application/zip" : "application/x-gzip";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename={folder}.{extension}";
        await GitArchive.WriteAsync(target.GitDir, target.CommitOid, format, folder, ctx.Response.Body, ctx.RequestAborted);
        return Results.Empty;
    }
}
