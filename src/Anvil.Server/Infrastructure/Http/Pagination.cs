using Microsoft.AspNetCore.WebUtilities;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>v1 list paging: <c>page</c>, <c>per_page</c> (default 30, max 100) and an RFC 8288 Link header.</summary>
public readonly record struct PageRequest(int Page, int PerPage)
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 100;

    public int Offset => (Page - 1) * PerPage;

    public static PageRequest From(HttpRequest request)
    {
        var page = ParsePositive(request.Query["page"], "page") ?? 1;
        var perPage = Math.Min(ParsePositive(request.Query["per_page"], "per_page") ?? DefaultPerPage, MaxPerPage);
        if ((long)page * perPage > int.MaxValue)
        {
            throw AnvilException.BadRequest("page is out of range");
        }
        return new PageRequest(page, perPage);
    }

    private static int? ParsePositive(string? raw, string name)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 1)
        {
            throw AnvilException.BadRequest($"{name} must be a positive integer");
        }
        return v;
    }

    /// <summary>The v1 list answer: the <c>Link</c> header for this page of <paramref name="list"/>, then its items in their v1 shape.</summary>
    public JsonOk<List<TOut>> Answer<T, TOut>(HttpContext ctx, Page<T> list, Func<T, TOut> shape) =>
        Answer(ctx, list.Items, list.HasMore, list.Total, shape);

    /// <summary>The v1 list answer for a page already in its v1 shape.</summary>
    public JsonOk<List<T>> Answer<T>(HttpContext ctx, Page<T> list) => Answer(ctx, list.Items, list.HasMore, list.Total, item => item);

    /// <summary>
    /// The v1 list answer for this page's <paramref name="items"/> of a list of <paramref name="total"/> (null when not
    /// counted: then only next/prev can be linked, next while <paramref name="hasMore"/>).
    /// </summary>
    public JsonOk<List<TOut>> Answer<T, TOut>(HttpContext ctx, IEnumerable<T> items, bool hasMore, int? total, Func<T, TOut> shape)
    {
        WriteLinkHeader(ctx, total, hasMore);
        return ApiJson.Json(ctx, items.Select(shape).ToList());
    }

    /// <summary>Like <see cref="Answer{T, TOut}(HttpContext, IEnumerable{T}, bool, int?, Func{T, TOut})"/> for items serialized beforehand.</summary>
    public JsonItemsOk<TOut> AnswerSerialized<T, TOut>(HttpContext ctx, IEnumerable<T> items, bool hasMore, int? total, Func<T, Utf8Json<TOut>> shape)
    {
        WriteLinkHeader(ctx, total, hasMore);
        return new JsonItemsOk<TOut>(items.Select(shape).ToList());
    }

    /// <summary>Like <see cref="Answer{T, TOut}(HttpContext, Page{T}, Func{T, TOut})"/> for a list GitHub wraps in an object (<c>{total_count, check_runs}</c>).</summary>
    public JsonOk<TBody> AnswerWrapped<T, TBody>(HttpContext ctx, Page<T> list, Func<Page<T>, TBody> body)
    {
        WriteLinkHeader(ctx, list.Total, list.HasMore);
        return ApiJson.Json(ctx, body(list));
    }

    /// <summary>This page of a list held whole in memory (a repository's branches, a diff's files).</summary>
    public Page<T> Of<T>(IReadOnlyList<T> all) => new(all.Skip(Offset).Take(PerPage).ToList(), all.Count > Offset + PerPage, all.Count);

    /// <summary>
    /// Writes <c>Link</c> with absolute URLs, as GitHub does: next/last while there are pages after this one,
    /// first/prev after the first page, and no header at all when everything fits on one page. Without a known
    /// <paramref name="total"/> (a list too costly to count) only next/prev, next when <paramref name="hasMore"/>.
    /// </summary>
    private void WriteLinkHeader(HttpContext ctx, int? total, bool hasMore)
    {
        var links = new List<string>();
        var lastPage = total is { } t ? Math.Max(1, (int)((t + (long)PerPage - 1) / PerPage)) : (int?)null;
        var more = lastPage is { } lp ? Page < lp : hasMore;
        if (more)
        {
            links.Add(Link(ctx, Page + 1, "next"));
        }
        if (lastPage is { } last && more)
        {
            links.Add(Link(ctx, last, "last"));
        }
        if (Page > 1)
        {
            if (lastPage is not null)
            {
                links.Add(Link(ctx, 1, "first"));
            }
            links.Add(Link(ctx, Page - 1, "prev"));
        }
        if (links.Count > 0)
        {
            ctx.Response.Headers["Link"] = string.Join(", ", links);
        }
    }

    private string Link(HttpContext ctx, int page, string rel)
    {
        var query = QueryHelpers.ParseQuery(ctx.Request.QueryString.Value);
        var pairs = query.Where(kv => kv.Key is not "page" and not "per_page")
            .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))
            .Append(new("per_page", PerPage.ToString()))
            .Append(new("page", page.ToString()));
        var url = QueryHelpers.AddQueryString(ctx.PublicBaseUrl() + ctx.Request.PathBase + ctx.Request.Path, pairs);
        return $"<{url}>; rel=\"{rel}\"";
    }
}

public static class PublicUrls
{
    /// <summary>The instance's public base URL: configured, or else as the request reached us.</summary>
    public static string PublicBaseUrl(this HttpContext ctx) => ctx.RequestServices.GetRequiredService<PublicAddress>().For(ctx);
}

/// <summary>
/// The base of the absolute URLs Anvil hands out: <c>ANVIL_PUBLIC_URL</c>; else as the current request reached
/// us; else — background work (the Actions sweep ending a timed-out job) has no request — the address this node
/// listens on, which is right on a single machine and why a cluster sets <c>ANVIL_PUBLIC_URL</c>.
/// </summary>
public sealed class PublicAddress(AnvilOptions options, IHttpContextAccessor http, Microsoft.AspNetCore.Hosting.Server.IServer server)
{
    public string BaseUrl => http.HttpContext is { } ctx ? For(ctx) : options.PublicUrl ?? Listening();

    public string For(HttpContext ctx) => options.PublicUrl ?? $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private string Listening()
    {
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri))
        {
            return "http://localhost";
        }
        // A wildcard binding names no host a client could use.
        return uri.Host is "0.0.0.0" or "[::]" ? $"{uri.Scheme}://localhost:{uri.Port}" : $"{uri.Scheme}://{uri.Authority}";
    }
}
