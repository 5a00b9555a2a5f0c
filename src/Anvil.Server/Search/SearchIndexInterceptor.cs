using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Anvil.Server.Search;

/// <summary>
/// Keeps search documents in step with what they index, inside the very SaveChanges (and so the
/// transaction) that changes the entity: no write path can forget to reindex. Documents point at
/// their entity through a navigation where they have one, so a new entity's id is filled in by EF
/// on insert; an indexer that links by a plain id column gets its entity again after the insert
/// (<see cref="SavedChangesAsync"/>) and the link is saved in the same transaction. A deleted
/// entity's document goes in the same SaveChanges; deleting a repository or user removes the
/// documents pointing at it by cascade too.
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

    /// <summary>Documents of entities being inserted, per context, to fill again once their keys exist.</summary>
    private readonly ConditionalWeakTable<DbContext, List<(object Entity, SearchDocument Doc, IIndexer Indexer)>> _inserted = new();

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

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (LinkInserted(eventData.Context) is { } db)
        {
            db.SaveChanges();
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (LinkInserted(eventData.Context) is { } db)
        {
            await db.SaveChangesAsync(ct);
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Forget(DbContext? db)
    {
        if (db is not null)
        {
            _inserted.Remove(db);
        }
    }

    private void Index(DbContext? db)
    {
        if (db is null)
        {
            return;
        }
        var changed = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is not SearchDocument)
            .ToList();
        foreach (var entry in changed)
        {
            var indexer = _indexers.FirstOrDefault(i => i.Handles(entry.Entity));
            if (indexer is null)
            {
                continue;
            }
            if (entry.State == EntityState.Deleted)
            {
                if (indexer.Find(db, entry.Entity) is { } gone)
                {
                    db.Remove(gone);
                }
                continue;
            }
            var doc = entry.State == EntityState.Added ? null : indexer.Find(db, entry.Entity);
            if (doc is null)
            {
                doc = new SearchDocument { Kind = "", Title = "" };
                indexer.Fill(entry.Entity, doc);
                db.Add(doc);
                if (entry.State == EntityState.Added)
                {
                    _inserted.GetOrCreateValue(db).Add((entry.Entity, doc, indexer));
                }
            }
            else
            {
                indexer.Fill(entry.Entity, doc);
            }
        }
    }

    /// <summary>
    /// Fills the documents of just-inserted entities again, now that their generated keys are known; returns the
    /// context when that changed a document (a link by id), so the caller saves it, in the same transaction.
    /// </summary>
    private DbContext? LinkInserted(DbContext? db)
    {
        if (db is null || !_inserted.TryGetValue(db, out var inserted))
        {
            return null;
        }
        _inserted.Remove(db);
        foreach (var (entity, doc, indexer) in inserted)
        {
            indexer.Fill(entity, doc);
        }
        db.ChangeTracker.DetectChanges();
        return inserted.Any(i => db.Entry(i.Doc).State == EntityState.Modified) ? db : null;
    }
}
