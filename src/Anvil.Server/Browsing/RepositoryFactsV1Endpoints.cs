using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;

namespace Anvil.Server.Browsing;

/// <summary>What a repository is made of, in GitHub's paths and shapes: its languages, tags, README, and how two refs compare.</summary>
public static class RepositoryFactsV1Endpoints
{
    public sealed record Tag(string Name, BrowsingV1Views.CommitRef Commit, string ZipballUrl, string TarballUrl, string NodeId);

    public sealed record Compare(string Url, string HtmlUrl, string PermalinkUrl, string DiffUrl, string PatchUrl,
        BrowsingV1Views.CommitView BaseCommit, BrowsingV1Views.CommitView MergeBaseCommit, string Status, int AheadBy, int BehindBy,
        int TotalCommits, List<BrowsingV1Views.CommitView> Commits, List<BrowsingV1Views.File> Files);

    public static void MapRepositoryFactsV1Endpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}").CacheAnonymousReads();

        // GitHub's shape: language name → bytes of code, largest first.
        repo.MapGet("/languages", async (HttpContext ctx, RepositoryContext current, RepositoryLanguages languages) =>
        {
            var repository = current.Grant.Repository;
            var shares = await languages.OfAsync(repository, ctx.RequestAborted);
            return ApiJson.Json(ctx, shares.ToDictionary(s => s.Name, s => s.Bytes));
        });

        repo.MapGet("/tags", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (repository, tags) = await browsing.ListTagsAsync(current.Grant, ctx.RequestAborted);
            var links = new BrowsingV1Views.Links(ctx.PublicBaseUrl(), repository);
            // Newest names first, as GitHub lists them (v2.0 before v1.9 before v1.10 is git's order, not a person's).
            var ordered = tags.OrderByDescending(t => t.Name, NaturalOrder.Instance).ToList();
            return page.Answer(ctx, page.Of(ordered), t => ToV1(t, links));
        });

        // GitHub's {basehead}: "base...head" (three dots; two are accepted too, as GitHub does).
        repo.MapGet("/compare/{*basehead}", async (HttpContext ctx, RepositoryContext current, string basehead, BrowsingService browsing) =>
        {
            var spec = BrowsingEndpoints.CatchAll(basehead);
            var dots = spec.Contains("...") ? "..." : "..";
            var parts = spec.Split(dots, 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw AnvilException.BadRequest("basehead must be BASE...HEAD");
            }
            var c = await browsing.CompareAsync(current.Grant, parts[0], parts[1], ctx.RequestAborted);
            var links = new BrowsingV1Views.Links(ctx.PublicBaseUrl(), c.Repository);
            var status = (c.AheadBy, c.BehindBy) switch { (0, 0) => "identical", (_, 0) => "ahead", (0, _) => "behind", _ => "diverged" };
            var range = $"{Uri.EscapeDataString(parts[0])}...{Uri.EscapeDataString(parts[1])}";
            var html = $"{links.Html}/compare/{range}";
            return ApiJson.Json(ctx, new Compare($"{links.Api}/compare/{range}", html,
                $"{links.Html}/compare/{c.Base.Oid}...{c.HeadOid}", html + ".diff", html + ".patch", c.Base.ToV1(c.Users, links),
                c.MergeBase.ToV1(c.Users, links), status, c.AheadBy, c.BehindBy, c.AheadBy, c.Commits.Select(x => x.ToV1(c.Users, links)).ToList(),
                c.Diff.Files.Select(f => f.ToV1(c.HeadOid, links)).ToList()));
        });

        repo.MapGet("/readme", (HttpContext ctx, RepositoryContext current, BrowsingService browsing) => ReadmeAsync(ctx, current, "", browsing));
        repo.MapGet("/readme/{*dir}", (HttpContext ctx, RepositoryContext current, string dir, BrowsingService browsing) =>
            ReadmeAsync(ctx, current, BrowsingEndpoints.CatchAll(dir), browsing));
    }

    private static Tag ToV1(GitTag t, BrowsingV1Views.Links links)
    {
        var sha = t.CommitOid ?? t.TargetOid;
        var tagPath = string.Join('/', (RefNames.Tag(t.Name)).Split('/').Select(Uri.EscapeDataString));
        return new Tag(t.Name, new BrowsingV1Views.CommitRef(sha, links.Commit(sha)), $"{links.Api}/zipball/{tagPath}", $"{links.Api}/tarball/{tagPath}",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("REF_" + t.Name)));
    }

    /// <summary>The README of a directory (the root by default) as a contents object: Markdown preferred, then any other.</summary>
    private static async Task<JsonOk<BrowsingV1Views.ContentView>> ReadmeAsync(HttpContext ctx, RepositoryContext current, string dir, BrowsingService browsing)
    {
        var gitRef = ctx.Request.Query["ref"].ToString() is { Length: > 0 } r ? r : null;
        var listing = await browsing.GetContentsAsync(current.Grant, gitRef, dir, ctx.RequestAborted);
        var readme = (listing.Children ?? [])
            .Where(e => e.Kind == GitTreeEntryKind.Blob && Path.GetFileNameWithoutExtension(e.Name).Equals("readme", StringComparison.OrdinalIgnoreCase))
            .OrderBy(e => Path.GetExtension(e.Name).ToLowerInvariant() is ".md" or ".markdown" ? 0 : 1).ThenBy(e => e.Name, StringComparer.Ordinal)
            .FirstOrDefault() ?? throw AnvilException.NotFound("no README in this directory");
        var file = await browsing.GetContentsAsync(current.Grant, gitRef, readme.Path, ctx.RequestAborted);
        return ApiJson.Json(ctx, file.File!.ToV1(file.Target.Ref, new BrowsingV1Views.Links(ctx.PublicBaseUrl(), file.Target.Repository)));
    }
}

/// <summary>Names compared with their runs of digits as numbers: v1.9 before v1.10.</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (si, sj) = (i, j);
                while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                var a = x[si..i].TrimStart('0');
                var b = y[sj..j].TrimStart('0');
                var byNumber = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
                if (byNumber != 0)
                {
                    return byNumber;
                }
                continue;
            }
            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }
            i++;
            j++;
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }
}
