using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;

namespace Anvil.Server.Repositories;

/// <summary>
/// GET /user/repos' filters as GitHub takes them: <c>visibility</c> (all, public, private), <c>affiliation</c> (owner,
/// collaborator, organization_member, comma-separated), or instead <c>type</c> (all, owner, public, private, member); and
/// <c>sort</c> (created, updated, pushed, full_name) with <c>direction</c>. Without a sort, the most recently updated first.
/// </summary>
public sealed record RepositoryListFilter(string? Visibility = null, string? Affiliation = null, string? Type = null, string? Sort = null, bool? Ascending = null)
{
    public IQueryable<Repository> Apply(IQueryable<Repository> query, long userId, AnvilDbContext db)
    {
        if (Type is not null && (Visibility is not null || Affiliation is not null))
        {
            throw AnvilException.Invalid("type cannot be combined with visibility or affiliation");
        }
        var (visibility, affiliations) = Type switch
        {
            null => (Visibility ?? "all", (Affiliation ?? "owner,collaborator,organization_member").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
            "all" => ("all", new[] { "owner", "collaborator" }),
            "owner" => ("all", ["owner"]),
            "member" => ("all", ["collaborator"]),
            "public" or "private" => (Type, ["owner", "collaborator"]),
            _ => throw AnvilException.Invalid("type must be one of all, owner, public, private, member"),
        };
        query = visibility switch
        {
            "all" => query,
            "public" => query.Where(r => !r.IsPrivate),
            "private" => query.Where(r => r.IsPrivate),
            _ => throw AnvilException.Invalid("visibility must be one of all, public, private"),
        };
        if (affiliations.Any(a => a is not ("owner" or "collaborator" or "organization_member")))
        {
            throw AnvilException.Invalid("affiliation must list owner, collaborator, organization_member");
        }
        // Anvil has no organizations: organization_member adds nothing.
        var owned = affiliations.Contains("owner");
        var collaborating = affiliations.Contains("collaborator");
        query = query.Where(r => (owned && r.OwnerId == userId) || (collaborating && db.Collaborators.Any(c => c.RepositoryId == r.Id && c.UserId == userId)));
        return Order(query);
    }

    /// <summary>The order alone (the list of another user's repositories takes only <c>sort</c> and <c>direction</c>).</summary>
    public IQueryable<Repository> Order(IQueryable<Repository> query)
    {
        var ascending = Ascending ?? Sort == "full_name";
        return Sort switch
        {
            null => query.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id),
            "full_name" => ascending ? query.OrderBy(r => r.Owner.NormalizedUsername).ThenBy(r => r.NormalizedName)
                : query.OrderByDescending(r => r.Owner.NormalizedUsername).ThenByDescending(r => r.NormalizedName),
            "created" => ascending ? query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id) : query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
            "updated" => ascending ? query.OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id) : query.OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id),
            "pushed" => ascending ? query.OrderBy(r => r.PushedAt).ThenBy(r => r.Id) : query.OrderByDescending(r => r.PushedAt).ThenByDescending(r => r.Id),
            _ => throw AnvilException.Invalid("sort must be one of created, updated, pushed, full_name"),
        };
    }
}
