using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Repositories;

/// <summary>A repository's topics (GitHub's <c>GET|PUT …/topics</c>).</summary>
public sealed partial class RepositoryService
{
    public async Task<List<string>> TopicsAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Repository;
        return (await TopicsOfAsync([repo.Id], ct))[repo.Id];
    }

    /// <summary>Each repository's topics in the order they were given (none for a repository without).</summary>
    public async Task<IReadOnlyDictionary<long, List<string>>> TopicsOfAsync(IReadOnlyCollection<long> repositoryIds, CancellationToken ct)
    {
        var ids = repositoryIds.Distinct().ToList();
        if (ids.Count == 1)
        {
            // Every view of one repository on the GitHub surface shows them.
            var one = await recent.GetAsync(db, new TopicsOf(ids[0]), async c => await db.RepositoryTopics.AsNoTracking()
                .Where(t => t.RepositoryId == ids[0]).OrderBy(t => t.Position).Select(t => t.Name).ToListAsync(c), list => list.ToList(), ct);
            return new Dictionary<long, List<string>> { [ids[0]] = one };
        }
        if (ids.Count == 0)
        {
            return new Dictionary<long, List<string>>();
        }
        // A list of repositories (search, a user's repositories) is asked again with the same page.
        return await recent.GetAsync(db, new TopicsOfMany(string.Join(',', ids)), async c =>
            {
                var rows = await db.RepositoryTopics.AsNoTracking().Where(t => ids.Contains(t.RepositoryId))
                    .OrderBy(t => t.Position).Select(t => new { t.RepositoryId, t.Name }).ToListAsync(c);
                var byRepo = rows.ToLookup(t => t.RepositoryId, t => t.Name);
                return ids.ToDictionary(id => id, id => byRepo[id].ToList());
            },
            kept => kept.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), ct);
    }

    private sealed record TopicsOf(long RepositoryId);

    /// <summary>The topics of several repositories, their ids joined by commas in the order asked.</summary>
    private sealed record TopicsOfMany(string RepositoryIds);

    /// <summary>Replaces the topics, as an admin setting does on GitHub; every name is checked before any is written.</summary>
    public async Task<List<string>> ReplaceTopicsAsync(RepositoryGrant grant, IReadOnlyList<string?> names, CancellationToken ct)
    {
        caller.RequireUser();
        var repo = grant.Require(RepositoryPermission.Admin).Repository;
        RepositoryAccess.RequireNotArchived(repo);
        var topics = RepositoryTopics.Valid(names);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.RepositoryTopics.Where(t => t.RepositoryId == repo.Id).ExecuteDeleteAsync(ct);
        db.RepositoryTopics.AddRange(topics.Select((t, i) => new RepositoryTopic { RepositoryId = repo.Id, Name = t, Position = i }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return topics;
    }
}
