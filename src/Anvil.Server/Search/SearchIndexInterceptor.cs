using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Anvil.Server.Search;

/// <summary>
/// Keeps search documents in step with what they index, inside the very SaveChanges (and so the
/// transaction) that changes the entity: no write path can forget to reindex. Documents point at
/// their entity through a navigation, so a new entity's id is filled in by EF on insert.
/// Deleting an entity deletes its documents by cascade.
/// </summary>
public sealed class SearchIndexInterceptor : SaveChangesInterceptor
{
    /// <summary>Maps an entity to its document fields; features with searchable entities add theirs.</summary>
    public interface IIndexer
    {
        bool Handles(object entity);
        /// <summary>Fills or refreshes <paramref name="doc"/> from <paramref name="entity"/>.</summary>
        void Fill(object entity, SearchDocument doc);
        /// <summary>The existing document of a saved entity, if any.</summary>
        SearchDocument? Find(DbContext db, object entity);
    }

    private readonly IReadOnlyList<IIndexer> _indexers;

    public SearchIndexInterceptor(IEnumerable<IIndexer> indexers) => _indexers = indexers.ToList();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Index(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Index(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Index(DbContext? db)
    {
        if (db is null)
        {
            return;
        }
        var changed = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is not SearchDocument)
            .ToList();
        foreach (var entry in changed)
        {
            var indexer = _indexers.FirstOrDefault(i => i.Handles(entry.Entity));
            if (indexer is null)
            {
                continue;
            }
            var doc = entry.State == EntityState.Added ? null : indexer.Find(db, entry.Entity);
            if (doc is null)
            {
                doc = new SearchDocument { Kind = "", Title = "" };
                indexer.Fill(entry.Entity, doc);
                db.Add(doc);
            }
            else
            {
                indexer.Fill(entry.Entity, doc);
            }
        }
    }
}

public sealed class RepositorySearchIndexer : SearchIndexInterceptor.IIndexer
{
    public bool Handles(object entity) => entity is Repository;

    public void Fill(object entity, SearchDocument doc)
    {
        var repo = (Repository)entity;
        doc.Kind = SearchKinds.Repository;
        doc.Repository = repo;
        doc.Title = repo.Name;
        doc.Body = repo.Description;
        doc.UpdatedAt = repo.UpdatedAt;
    }

    public SearchDocument? Find(DbContext db, object entity)
    {
        var id = ((Repository)entity).Id;
        return db.Set<SearchDocument>().Local.FirstOrDefault(d => d.Kind == SearchKinds.Repository && d.RepositoryId == id)
            ?? db.Set<SearchDocument>().FirstOrDefault(d => d.Kind == SearchKinds.Repository && d.RepositoryId == id);
    }
}

public sealed class UserSearchIndexer : SearchIndexInterceptor.IIndexer
{
    public bool Handles(object entity) => entity is User;

    public void Fill(object entity, SearchDocument doc)
    {
        var user = (User)entity;
        doc.Kind = SearchKinds.User;
        doc.User = user;
        doc.Title = user.Username + " " + user.Name;
        doc.Body = user.Bio;
        doc.UpdatedAt = user.UpdatedAt;
    }

    public SearchDocument? Find(DbContext db, object entity)
    {
        var id = ((User)entity).Id;
        return db.Set<SearchDocument>().Local.FirstOrDefault(d => d.Kind == SearchKinds.User && d.UserId == id)
            ?? db.Set<SearchDocument>().FirstOrDefault(d => d.Kind == SearchKinds.User && d.UserId == id);
    }
}
