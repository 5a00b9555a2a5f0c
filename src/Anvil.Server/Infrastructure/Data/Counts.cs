using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Infrastructure.Data;

/// <summary>
/// Counts kept on the rows every view shows (a repository's stars and forks, an issue's comments), moved in the same
/// transaction as the rows they count. Always by an atomic <c>count = count + delta</c> in the database, never by
/// saving a value read earlier: two concurrent writers would both save the same number and lose one.
/// </summary>
internal static class Counts
{
    /// <summary>
    /// Adds <paramref name="delta"/> to <paramref name="count"/> of <paramref name="row"/> and returns the new value, which
    /// <paramref name="row"/> then holds (as unchanged: a later save of the row must not write it back).
    /// </summary>
    public static async Task<int> AddAsync<TEntity>(AnvilDbContext db, TEntity row, Expression<Func<TEntity, int>> count, long id, int delta,
        CancellationToken ct) where TEntity : class
    {
        var entityType = db.Model.FindEntityType(typeof(TEntity))!;
        var property = entityType.FindProperty(((MemberExpression)count.Body).Member.Name)!;
        var table = entityType.GetTableName()!;
        var column = property.GetColumnName();
        // The names come from the model, never from input; the values are parameters.
        var values = await db.Database.SqlQueryRaw<int>(
            $$"""UPDATE "{{table}}" SET "{{column}}" = "{{column}}" + {0} WHERE "Id" = {1} RETURNING "{{column}}" AS "Value" """, delta, id).ToListAsync(ct);
        var value = values.Count == 1 ? values[0] : 0;
        Hold(db, row, property.Name, value);
        return value;
    }

    /// <summary>Sets what <paramref name="row"/> holds of a count that was just written, without marking it changed.</summary>
    public static void Hold<TEntity>(AnvilDbContext db, TEntity row, string propertyName, int value) where TEntity : class
    {
        var entry = db.Entry(row).Property(propertyName);
        entry.CurrentValue = value;
        if (db.Entry(row).State != EntityState.Detached)
        {
            entry.OriginalValue = value;
            entry.IsModified = false;
        }
    }
}
