namespace Anvil.Git.Reading;

public sealed record GitReaderOptions
{
    /// <summary>Approximate bytes of parsed objects (trees, commits, last-commit maps, diffs) kept in memory.</summary>
    public long CacheCapacityBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Refuse to load trees or commits bigger than this; such objects mean abuse, not a real repository.</summary>
    public long MaxMetadataObjectBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Blob streams up to this size are read through the pool; larger ones get their own process so a slow client cannot hold a pooled one.</summary>
    public long PooledStreamMaxBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Blobs up to this size are kept by object id once read for a file page: the same few files are viewed again and
    /// again, and each read is otherwise three pipe round trips to a pooled process.
    /// </summary>
    public long CachedBlobMaxBytes { get; init; } = 64 * 1024;
}

public sealed class GitObjectTooLargeException(string oid, long size, long limit)
    : Exception($"object {oid} is {size} bytes, over the {limit} byte limit")
{
    public string Oid { get; } = oid;
    public long Size { get; } = size;
}

/// <summary>
/// Read-only access to bare repositories for code browsing: refs, trees, files, history and diffs. Thread-safe; share one
/// instance. Objects are read through a <see cref="CatFilePool"/>; anything addressed by object id is cached per repository.
/// Object ids in arguments and results are full lowercase SHA-1 hex; user-typed revisions go through <see cref="ResolveAsync"/>.
/// </summary>
public sealed partial class GitReader
{
    private readonly CatFilePool _pool;
    private readonly GitReaderOptions _options;
    private readonly LruCache<CacheKey, object> _cache;

    public GitReader(CatFilePool pool, GitReaderOptions? options = null)
    {
        _pool = pool;
        _options = options ?? new GitReaderOptions();
        _cache = new(_options.CacheCapacityBytes);
        // What was read from a repository that is deleted (and perhaps created again at its path) must not be served.
        pool.Forgotten += key => _cache.RemoveWhere(k => k.GitDir == key);
    }

    private enum CacheKind : byte
    {
        Commit,
        Tree,
        TreeWithSizes,
        LastCommits,
        Diff,
        MergeBase,
        Range,
        AheadBehind,
        Refs,
        Blob,
    }

    // Keyed by repository as well as oid: a shared cache entry must never reveal another repository's objects.
    private readonly record struct CacheKey(string GitDir, string Oid, CacheKind Kind, string Extra = "");

    public async Task<GitObjectInfo?> GetObjectInfoAsync(string gitDir, string oid, CancellationToken ct = default)
    {
        GitInput.RequireOid(oid);
        var header = await _pool.UseAsync(gitDir, (p, c) => p.InfoAsync(oid, c), ct);
        return header.Found ? new GitObjectInfo(header.Oid!, header.Type, header.Size) : null;
    }

    /// <summary>Loads an object into memory. Null when missing; <see cref="GitObjectTooLargeException"/> over <paramref name="maxSize"/>.</summary>
    public async Task<GitObject?> ReadObjectAsync(string gitDir, string oid, long maxSize, CancellationToken ct = default)
    {
        GitInput.RequireOid(oid);
        return await _pool.UseAsync(gitDir, async (p, c) =>
        {
            // Asking for the size first costs a pipe round trip and saves pulling a huge blob through the pipe for nothing.
            var info = await p.InfoAsync(oid, c);
            if (!info.Found)
            {
                return null;
            }
            if (info.Size > maxSize)
            {
                throw new GitObjectTooLargeException(oid, info.Size, maxSize);
            }
            var (header, data) = await p.ContentsAsync(oid, c);
            return header.Found ? new GitObject(oid, header.Type, header.Size, data!) : null;
        }, ct);
    }

    /// <summary>
    /// A blob's header and, when it is at most <paramref name="maxBytes"/>, its bytes, both in one lease of a pooled
    /// process; null when missing. Small blobs are kept (<see cref="GitReaderOptions.CachedBlobMaxBytes"/>), so the bytes
    /// may be shared between callers, who only read them.
    /// </summary>
    private async Task<(GitObjectInfo Info, byte[]? Data)?> ReadBlobUpToAsync(string gitDir, string oid, long maxBytes, CancellationToken ct)
    {
        GitInput.RequireOid(oid);
        if (TryGetCached<GitObject>(gitDir, oid, CacheKind.Blob, out var kept))
        {
            return (new GitObjectInfo(oid, kept.Type, kept.Size), kept.Size <= maxBytes ? kept.Data : null);
        }
        var (header, data) = await _pool.UseAsync(gitDir, async (p, c) =>
        {
            var info = await p.InfoAsync(oid, c);
            return !info.Found || info.Size > maxBytes ? (info, null) : await p.ContentsAsync(oid, c);
        }, ct);
        if (!header.Found)
        {
            return null;
        }
        if (data is not null && header.Size <= _options.CachedBlobMaxBytes)
        {
            SetCached(gitDir, oid, CacheKind.Blob, new GitObject(oid, header.Type, header.Size, data), 100 + header.Size);
        }
        return (new GitObjectInfo(oid, header.Type, header.Size), data);
    }

    /// <summary>Opens a blob for streaming, e.g. a raw download. Null when the object is missing or not a blob.</summary>
    public async Task<GitBlobStream?> OpenBlobAsync(string gitDir, string oid, CancellationToken ct = default)
    {
        if (await ReadBlobUpToAsync(gitDir, oid, _options.PooledStreamMaxBytes, ct) is not ({ Type: GitObjectType.Blob } info, var data))
        {
            return null;
        }
        return data is not null ? GitBlobStream.FromMemory(oid, data) : GitBlobStream.FromProcess(gitDir, oid, info.Size);
    }

    private async Task<byte[]> ReadMetadataObjectAsync(string gitDir, string oid, GitObjectType expected, CancellationToken ct)
    {
        var obj = await ReadObjectAsync(gitDir, oid, _options.MaxMetadataObjectBytes, ct)
            ?? throw new InvalidDataException($"object {oid} is missing from the repository");
        if (obj.Type != expected)
        {
            throw new InvalidDataException($"object {oid} is a {obj.Type}, expected a {expected}");
        }
        return obj.Data;
    }

    private static string RepositoryKey(string gitDir) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(gitDir));

    private bool TryGetCached<T>(string gitDir, string oid, CacheKind kind, out T value, string extra = "")
    {
        if (_cache.TryGet(new CacheKey(RepositoryKey(gitDir), oid, kind, extra), out var cached))
        {
            value = (T)cached;
            return true;
        }
        value = default!;
        return false;
    }

    private void SetCached(string gitDir, string oid, CacheKind kind, object value, long weight, string extra = "")
        => _cache.Set(new CacheKey(RepositoryKey(gitDir), oid, kind, extra), value, weight);
}
