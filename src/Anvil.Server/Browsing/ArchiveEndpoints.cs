using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Git.Reading;
using Microsoft.AspNetCore.Http.Features;

namespace Anvil.Server.Browsing;

/// <summary>
/// GitHub's <c>GET /tarball/{ref}</c> and <c>/zipball/{ref}</c>: as on GitHub, a 302 to a download URL for the commit the
/// ref names (PyGithub's <c>get_archive_link</c> reads the <c>Location</c>; Octokit follows it). The download URL,
/// <c>/legacy.tar.gz/{commit}</c> or <c>/legacy.zip/{commit}</c> (codeload's names), streams the tree straight from
/// <c>git archive</c>, everything under one top folder <c>{owner}-{repo}-{shortsha}/</c>, the name GitHub gives it (and the file).
/// </summary>
public static class ArchiveEndpoints
{
    public const string TokenParameter = "token";

    private static readonly (string Link, string Download, ArchiveFormat Format)[] Formats =
        [("tarball", "legacy.tar.gz", ArchiveFormat.TarGz), ("zipball", "legacy.zip", ArchiveFormat.Zip)];

    public static void MapArchiveEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}");
        foreach (var (link, download, format) in Formats)
        {
            repo.MapGet($"/{link}", (HttpContext ctx, RepositoryContext current, BrowsingService browsing, ArchiveLinks links) =>
                LinkAsync(ctx, current, null, download, format, browsing, links));
            repo.MapGet($"/{link}/{{*ref}}", (HttpContext ctx, RepositoryContext current, string @ref, BrowsingService browsing, ArchiveLinks links) =>
                LinkAsync(ctx, current, BrowsingEndpoints.CatchAll(@ref), download, format, browsing, links));
            // Outside the repository group: a followed redirect carries no credentials, so for a private repository the
            // link's signature stands for the caller's right to read it; without one the caller's own right is asked.
            app.MapGet($"/api/v1/repos/{{owner}}/{{name}}/{download}/{{commit}}",
                (HttpContext ctx, string owner, string name, string commit, RepositoryAccess access, BrowsingService browsing, ArchiveLinks links) =>
                    DownloadAsync(ctx, owner, name, commit, format, access, browsing, links));
        }
    }

    private static async Task<IResult> LinkAsync(HttpContext ctx, RepositoryContext current, string? gitRef, string download, ArchiveFormat format,
        BrowsingService browsing, ArchiveLinks links)
    {
        var target = await browsing.ResolveForArchiveAsync(current.Grant, gitRef, ctx.RequestAborted);
        var repo = target.Repository;
        var url = $"{ctx.PublicBaseUrl()}/api/v1/repos/{Uri.EscapeDataString(repo.Owner.Username)}/{Uri.EscapeDataString(repo.Name)}/{download}/{target.CommitOid}";
        if (repo.IsPrivate)
        {
            url += $"?{TokenParameter}={links.Sign(repo.Id, target.CommitOid!, format, ArchiveLinks.Lifetime)}";
        }
        return Results.Redirect(url);
    }

    private static async Task<IResult> DownloadAsync(HttpContext ctx, string owner, string name, string commit, ArchiveFormat format,
        RepositoryAccess access, BrowsingService browsing, ArchiveLinks links)
    {
        // Only the commit a link resolved to: a download URL never moves with a branch.
        if (commit.Length is not (40 or 64) || !commit.All(char.IsAsciiHexDigit))
        {
            throw AnvilException.NotFound("commit not found");
        }
        var token = ctx.Request.Query[TokenParameter].ToString();
        var grant = token.Length == 0
            ? (await access.ResolveToReadAsync(owner, name, ctx.RequestAborted)).Require(RepositoryPermission.Read)
            : await access.ReadBySignatureAsync(owner, name, id => links.Verify(token, id, commit, format), ctx.RequestAborted);
        var target = await browsing.ResolveForArchiveAsync(grant, commit, ctx.RequestAborted);
        var folder = $"{target.Repository.Owner.Username}-{target.Repository.Name}-{target.CommitOid![..7]}";
        var extension = format == ArchiveFormat.Zip ? "zip" : "tar.gz";
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.ContentType = format == ArchiveFormat.Zip ? "application/zip" : "application/x-gzip";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename={folder}.{extension}";
        await GitArchive.WriteAsync(target.GitDir, target.CommitOid, format, folder, ctx.Response.Body, ctx.RequestAborted);
        return Results.Empty;
    }
}
