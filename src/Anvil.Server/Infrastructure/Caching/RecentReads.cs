using System.Collections.Concurrent;
using Anvil.Server.Auth;

namespace Anvil.Server.Infrastructure.Caching;

/// <summary>
/// Rows every request reads again — a repository by its name, its issue tally, whether the viewer starred it — kept from
/// their last read for as long as nothing has changed: an entry is served only while the <see cref="ChangeClock"/> reads
/// what it read before the rows were fetched (so any committed write, here or on another node, puts every entry out of
/// reach at once), the data directory's credential stamp has not moved (a write by another process sharing it, the admin
/// CLI, which no bus carries), and for at most <see cref="Lifetime"/> (what a node could serve if every signal missed).
/// </summary>
/// <remarks>
/// Only untracked reads come from here: a request that writes reads its rows tracked from the database. Values are handed
/// out through a copy, so a request changing what it was given changes nobody else's.
/// </remarks>
public sealed class RecentReads(ChangeClock clock, CredentialCache credentials, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    /// <summary>Past this many entries it starts again from empty: a crawl over every repository cannot grow it without bound.</summary>
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<object, Entry> _entries = new();

    private sealed record Entry(object? Value, long Reading, CredentialCache.Generation Credentials, long CachedAt);

    /// <summary>For values nobody can change (records, strings, numbers): handed out as they are.</summary>
    public Task<T> GetAsync<T>(Data.AnvilDbContext db, object key, Func<CancellationToken, Task<T>> read, CancellationToken ct) =>
        GetAsync(db, key, read, static v => v, ct);

    /// <summary>
    /// What <paramref name="read"/> returns for <paramref name="key"/> (a value-equal key: a record or a tuple that names
    /// its kind), from memory when nothing changed since it was last read; <paramref name="copy"/> makes each caller's own.
    /// </summary>
    /// <remarks>Inside a transaction <paramref name="db"/> reads for itself: it may see its own writes, not yet anyone else's.</remarks>
    public async Task<T> GetAsync<T>(Data.AnvilDbContext db, object key, Func<CancellationToken, Task<T>> read, Func<T, T> copy, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await read(ct);
        }
        var reading = clock.Reading;
        var stamp = credentials.Current();
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(key, out var held))
        {
            if (held.Reading == reading && held.Credentials == stamp && time.GetElapsedTime(held.CachedAt, now) <= Lifetime)
            {
                return held.Value is T value ? copy(value) : default!;
            }
            _entries.TryRemove(KeyValuePair.Create(key, held));
        }
        var fresh = await read(ct);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        // Filed under the reading taken before the read: a change committed meanwhile leaves it out of reach at once.
        _entries[key] = new Entry(fresh is null ? null : copy(fresh), reading, stamp, now);
        return fresh;
    }
}
