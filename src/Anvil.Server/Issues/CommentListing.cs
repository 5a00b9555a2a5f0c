using Anvil.Server.Infrastructure;

namespace Anvil.Server.Issues;

/// <summary>A comment as a repository's comment lists filter and order it (issue comments and review comments alike).</summary>
public interface IListedComment
{
    long Id { get; }
    DateTime UpdatedAt { get; }
}

public static class CommentListing
{
    /// <summary>
    /// GitHub's <c>since</c>, <c>sort</c> and <c>direction</c> of a repository's comment list. Direction means something
    /// only beside sort: without either the list reads oldest first.
    /// </summary>
    public static IQueryable<T> SinceAndSorted<T>(this IQueryable<T> query, string? sort, bool? ascending, DateTimeOffset? since)
        where T : class, IListedComment
    {
        if (since is { } from)
        {
            var at = from.UtcDateTime;
            query = query.Where(c => c.UpdatedAt >= at);
        }
        var up = string.IsNullOrEmpty(sort) || (ascending ?? true);
        return sort switch
        {
            null or "" or "created" => up ? query.OrderBy(c => c.Id) : query.OrderByDescending(c => c.Id),
            "updated" => up ? query.OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id) : query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id),
            _ => throw AnvilException.Invalid("sort must be one of created, updated"),
        };
    }
}
