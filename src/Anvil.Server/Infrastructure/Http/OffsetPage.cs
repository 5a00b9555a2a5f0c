namespace Anvil.Server.Infrastructure.Http;

/// <summary>sigmagit list paging: <c>limit</c> (default 30, at most 100) and <c>offset</c>.</summary>
public readonly record struct OffsetPage(int Offset, int Limit)
{
    public static OffsetPage From(HttpRequest request, int defaultLimit = 30, string offsetName = "offset")
    {
        var limit = Parse(request.Query["limit"], "limit", 1) ?? defaultLimit;
        var offset = Parse(request.Query[offsetName], offsetName, 0) ?? 0;
        return new OffsetPage(offset, Math.Min(limit, PageRequest.MaxPerPage));
    }

    private static int? Parse(string? raw, string name, int min)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        if (!int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < min)
        {
            throw AnvilException.BadRequest($"{name} must be an integer of at least {min}");
        }
        return v;
    }
}

/// <summary>One page of a list, with the total for Link headers.</summary>
public sealed record Page<T>(List<T> Items, bool HasMore, int Total)
{
    /// <summary>The same page with its items in another shape (shaped as a batch: <paramref name="items"/> in the same order).</summary>
    public Page<TOut> With<TOut>(List<TOut> items) => new(items, HasMore, Total);
}

public static class PageQueries
{
    /// <summary>Reads one page (one row more than asked, to know if more exist) and the total.</summary>
    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, int offset, int limit, CancellationToken ct)
    {
        var items = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(query.Skip(offset).Take(limit + 1), ct);
        var hasMore = items.Count > limit;
        var total = hasMore || offset > 0
            ? await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(query, ct)
            : items.Count;
        return new Page<T>(hasMore ? items[..limit] : items, hasMore, total);
    }
}
