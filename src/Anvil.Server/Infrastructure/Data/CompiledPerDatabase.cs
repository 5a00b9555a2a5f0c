using System.Collections.Concurrent;

namespace Anvil.Server.Infrastructure.Data;

/// <summary>
/// A compiled EF query (<c>EF.CompileAsyncQuery</c>), compiled once per context type: a compiled query is bound to one
/// model, and SQLite's and PostgreSQL's differ. For the hot reads, which then skip LINQ translation on every request.
/// </summary>
internal sealed class CompiledPerDatabase<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConcurrentDictionary<Type, TQuery> _byContext = new();

    public TQuery For(AnvilDbContext db) => _byContext.GetOrAdd(db.GetType(), _ => compile());
}
