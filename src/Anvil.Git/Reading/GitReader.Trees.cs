using System.Text;

namespace Anvil.Git.Reading;

public sealed partial class GitReader
{
    /// <summary>Git's own heuristic: a NUL byte in the first 8000 bytes means binary.</summary>
    public const int BinaryProbeBytes = 8000;

    /// <summary>
    /// The entry at <paramref name="path"/> in a commit's tree (the root tree for ""), without blob size.
    /// Null when the commit or path does not exist. Throws <see cref="GitPathException"/> for invalid paths.
    /// </summary>
    public async Task<GitTreeEntry?> GetEntryAsync(string gitDir, string commitOid, string path, CancellationToken ct = default)
    {
        path = GitInput.NormalizePath(path);
        var commit = await GetCommitAsync(gitDir, commitOid, ct);
        if (commit is null)
        {
            return null;
        }
        var entry = new GitTreeEntry("", "", GitTreeEntryKind.Tree, "040000", commit.TreeOid, null);
        if (path.Length == 0)
        {
            return entry;
        }
        foreach (var segment in path.Split('/'))
        {
            if (entry.Kind != GitTreeEntryKind.Tree)
            {
                return null;
            }
            var entries = await ReadTreeAsync(gitDir, entry.Oid, entry.Path, ct);
            var next = entries.FirstOrDefault(e => e.Name == segment);
            if (next is null)
            {
                return null;
            }
            entry = next;
        }
        return entry;
    }

    /// <summary>Every file of the commit's tree (blobs, not symlinks or submodules) with its size, in tree order.</summary>
    public async Task<IReadOnlyList<(string Path, long Size)>> ListFileSizesAsync(string gitDir, string commitOid, CancellationToken ct = default)
    {
        GitInput.ValidateRevision(commitOid);
        var result = await GitCli.RunCheckedAsync(gitDir, ["ls-tree", "-r", "-l", "-z", "--full-tree", commitOid, "--"], ct: ct);
        var files = new List<(string, long)>();
        foreach (var record in Encoding.UTF8.GetString(result.Stdout).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <oid> <size>\t<path>", the size padded with spaces.
            var tab = record.IndexOf('\t');
            var fields = tab < 0 ? [] : record[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 4 && fields[0] is "100644" or "100755" && fields[1] == "blob" && long.TryParse(fields[3], out var size))
            {
                files.Add((record[(tab + 1)..], size));
            }
        }
        return files;
    }

    /// <summary>
    /// Lists the directory at <paramref name="path"/>: directories and submodules first, then files, each group by ordinal
    /// name, with sizes for blobs and symlinks. Null when the path does not exist or is not a directory.
    /// </summary>
    public async Task<IReadOnlyList<GitTreeEntry>?> GetTreeAsync(string gitDir, string commitOid, string path, CancellationToken ct = default)
    {
        var dir = await GetEntryAsync(gitDir, commitOid, path, ct);
        if (dir is not { Kind: GitTreeEntryKind.Tree })
        {
            return null;
        }
        if (TryGetCached<IReadOnlyList<GitTreeEntry>>(gitDir, dir.Oid, CacheKind.TreeWithSizes, out var cached, dir.Path))
        {
            return cached;
        }
        var entries = await ReadTreeAsync(gitDir, dir.Oid, dir.Path, ct);
        var sized = entries.Where(e => e.Kind is GitTreeEntryKind.Blob or GitTreeEntryKind.Symlink).ToList();
        var headers = sized.Count == 0
            ? []
            : await _pool.UseAsync(gitDir, (p, c) => p.BatchAsync("info", sized.Select(e => e.Oid).ToList(), static (_, h) => Task.FromResult(h), c), ct);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < sized.Count; i++)
        {
            if (headers[i].Found)
            {
                sizes[sized[i].Name] = headers[i].Size;
            }
        }
        IReadOnlyList<GitTreeEntry> listing = entries
            .Select(e => sizes.TryGetValue(e.Name, out var size) ? e with { Size = size } : e)
            .OrderBy(e => e.Kind is GitTreeEntryKind.Tree or GitTreeEntryKind.Submodule ? 0 : 1)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        SetCached(gitDir, dir.Oid, CacheKind.TreeWithSizes, listing, EstimateWeight(listing), dir.Path);
        return listing;
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/>. Content is loaded only up to <paramref name="maxBytes"/>; bigger files come
    /// back with <see cref="GitFile.IsTooLarge"/> (stream them with <see cref="OpenFileAsync"/>). Symlinks carry their target;
    /// submodules have no content. Null when the path does not exist or is a directory.
    /// </summary>
    public async Task<GitFile?> GetFileAsync(string gitDir, string commitOid, string path, long maxBytes = 1024 * 1024, CancellationToken ct = default)
    {
        var entry = await GetEntryAsync(gitDir, commitOid, path, ct);
        if (entry is null || entry.Kind == GitTreeEntryKind.Tree)
        {
            return null;
        }
        if (entry.Kind == GitTreeEntryKind.Submodule)
        {
            return new GitFile(entry, 0, null, false, false, null);
        }
        var (info, data) = await ReadBlobUpToAsync(gitDir, entry.Oid, maxBytes, ct)
            ?? throw new InvalidDataException($"blob {entry.Oid} is missing from the repository");
        entry = entry with { Size = info.Size };
        if (data is null)
        {
            return new GitFile(entry, info.Size, null, true, await ProbeBinaryAsync(gitDir, entry.Oid, ct), null);
        }
        var symlinkTarget = entry.Kind == GitTreeEntryKind.Symlink ? Encoding.UTF8.GetString(data) : null;
        return new GitFile(entry, info.Size, data, false, LooksBinary(data), symlinkTarget);
    }

    /// <summary>Streams the file at <paramref name="path"/> (a symlink streams its target text). Null unless it is a blob or symlink.</summary>
    public async Task<GitBlobStream?> OpenFileAsync(string gitDir, string commitOid, string path, CancellationToken ct = default)
    {
        var entry = await GetEntryAsync(gitDir, commitOid, path, ct);
        return entry is { Kind: GitTreeEntryKind.Blob or GitTreeEntryKind.Symlink }
            ? await OpenBlobAsync(gitDir, entry.Oid, ct)
            : null;
    }

    public static bool LooksBinary(ReadOnlySpan<byte> content)
        => content[..Math.Min(content.Length, BinaryProbeBytes)].Contains((byte)0);

    private async Task<bool> ProbeBinaryAsync(string gitDir, string oid, CancellationToken ct)
    {
        await using var stream = await OpenBlobAsync(gitDir, oid, ct);
        if (stream is null)
        {
            return false;
        }
        var probe = new byte[BinaryProbeBytes];
        var filled = 0;
        int n;
        while (filled < probe.Length && (n = await stream.ReadAsync(probe.AsMemory(filled), ct)) > 0)
        {
            filled += n;
        }
        return LooksBinary(probe.AsSpan(0, filled));
    }

    private async Task<IReadOnlyList<GitTreeEntry>> ReadTreeAsync(string gitDir, string treeOid, string treePath, CancellationToken ct)
    {
        if (TryGetCached<IReadOnlyList<GitTreeEntry>>(gitDir, treeOid, CacheKind.Tree, out var cached, treePath))
        {
            return cached;
        }
        var data = await ReadMetadataObjectAsync(gitDir, treeOid, GitObjectType.Tree, ct);
        IReadOnlyList<GitTreeEntry> entries = TreeParser.Parse(data, treePath);
        SetCached(gitDir, treeOid, CacheKind.Tree, entries, EstimateWeight(entries), treePath);
        return entries;
    }

    private static long EstimateWeight(IReadOnlyList<GitTreeEntry> entries)
        => 64 + entries.Sum(e => 200L + 2L * (e.Name.Length + e.Path.Length));
}
