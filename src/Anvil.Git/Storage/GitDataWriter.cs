using System.Text;
using Anvil.Git.Reading;

namespace Anvil.Git.Storage;

/// <summary>One entry of a tree being built: <paramref name="Oid"/> null removes <paramref name="Path"/> (and anything under it).</summary>
/// <param name="Mode">100644, 100755 or 120000 (a blob), 040000 (a tree) or 160000 (a submodule's commit).</param>
public sealed record TreeChange(string Path, string Mode, string? Oid)
{
    public bool IsTree => Mode == "040000";
}

/// <summary>An annotated tag object to write (the ref that points at it is written separately).</summary>
/// <param name="ObjectType">What <paramref name="ObjectOid"/> is: commit, tree, blob or tag.</param>
public sealed record TagObject(string Name, string Message, string ObjectOid, string ObjectType, GitSignature Tagger);

/// <summary>
/// Writes blobs, trees, commits and annotated tags into a bare repository with plumbing (hash-object, a scratch index with
/// read-tree/update-index/write-tree, commit-tree, mktag): GitHub's git data API. Nothing here moves a ref. Callers validate
/// ids and paths; git refuses what is still wrong (an object that does not exist, a malformed tag).
/// </summary>
public static class GitDataWriter
{
    public static Task<string> WriteBlobAsync(string gitDir, byte[] content, CancellationToken ct = default) =>
        ObjectWriter.WriteBlobAsync(gitDir, content, ct);

    /// <summary>
    /// The tree <paramref name="baseTreeOid"/> (none: the empty tree) with <paramref name="changes"/> applied: nested paths
    /// create the directories they need, a path given a blob replaces a directory there (and the other way round).
    /// </summary>
    public static async Task<string> WriteTreeAsync(string gitDir, string? baseTreeOid, IReadOnlyList<TreeChange> changes, CancellationToken ct = default)
    {
        var index = Path.Combine(Path.GetTempPath(), $"anvil-index-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        try
        {
            await GitCli.RunCheckedAsync(gitDir, baseTreeOid is null ? ["read-tree", "--empty"] : ["read-tree", GitInput.RequireOid(baseTreeOid)], env: env, ct: ct);
            var existing = (await GitCli.RunCheckedAsync(gitDir, ["ls-files", "-z"], env: env, ct: ct)).StdoutText
                .Split('\0', StringSplitOptions.RemoveEmptyEntries);
            // Everything a change replaces goes first: the path itself, what is under it, and files where it needs directories.
            var removed = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var change in changes)
            {
                foreach (var path in existing)
                {
                    if (path == change.Path || path.StartsWith(change.Path + "/", StringComparison.Ordinal) || change.Path.StartsWith(path + "/", StringComparison.Ordinal))
                    {
                        removed.Add(path);
                    }
                }
            }
            if (removed.Count > 0)
            {
                await UpdateIndexAsync(gitDir, env, removed.Select(p => $"0 {RepositoryStore.ZeroOid}\t{p}"), ct);
            }
            var entries = new List<string>();
            // A subtree goes in as its files (read-tree --prefix would need a work tree): "<mode> <type> <oid>\t<path>" each.
            foreach (var tree in changes.Where(c => c.IsTree && c.Oid is not null))
            {
                var listing = (await GitCli.RunCheckedAsync(gitDir, ["ls-tree", "-r", "-z", GitInput.RequireOid(tree.Oid!)], ct: ct)).StdoutText;
                foreach (var record in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
                {
                    var tab = record.IndexOf('\t');
                    var fields = record[..tab].Split(' ');
                    entries.Add($"{fields[0]} {fields[2]}\t{tree.Path}/{record[(tab + 1)..]}");
                }
            }
            entries.AddRange(changes.Where(c => !c.IsTree && c.Oid is not null).Select(c => $"{c.Mode} {GitInput.RequireOid(c.Oid!)}\t{c.Path}"));
            if (entries.Count > 0)
            {
                await UpdateIndexAsync(gitDir, env, entries, ct);
            }
            return (await GitCli.RunCheckedAsync(gitDir, ["write-tree"], env: env, ct: ct)).StdoutText.Trim();
        }
        finally
        {
            File.Delete(index);
            File.Delete(index + ".lock");
        }
    }

    private static Task UpdateIndexAsync(string gitDir, Dictionary<string, string> env, IEnumerable<string> lines, CancellationToken ct) =>
        GitCli.RunCheckedAsync(gitDir, ["update-index", "-z", "--index-info"], Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\0"))), env, ct);

    /// <summary>A commit of <paramref name="treeOid"/> with <paramref name="parents"/> (none: a root commit); the message is kept as given.</summary>
    public static Task<string> WriteCommitAsync(string gitDir, string treeOid, IReadOnlyList<string> parents, string message,
        GitSignature author, GitSignature committer, CancellationToken ct = default) =>
        ObjectWriter.CommitTreeAsync(gitDir, GitInput.RequireOid(treeOid), parents.Select(p => GitInput.RequireOid(p)).ToList(),
            Encoding.UTF8.GetBytes(message.EndsWith('\n') ? message : message + "\n"), author, committer, ct);

    /// <summary>An annotated tag object, checked by <c>git mktag</c>.</summary>
    public static async Task<string> WriteTagAsync(string gitDir, TagObject tag, CancellationToken ct = default)
    {
        if (!RefNames.IsValid(RefNames.Tag(tag.Name)))
        {
            throw new ArgumentException($"invalid tag name '{tag.Name}'", nameof(tag));
        }
        var text = new StringBuilder()
            .Append("object ").Append(GitInput.RequireOid(tag.ObjectOid)).Append('\n')
            .Append("type ").Append(tag.ObjectType).Append('\n')
            .Append("tag ").Append(tag.Name).Append('\n')
            .Append("tagger ").Append(tag.Tagger.HeaderLine(DateTimeOffset.UtcNow)).Append("\n\n")
            .Append(tag.Message.EndsWith('\n') || tag.Message.Length == 0 ? tag.Message : tag.Message + "\n");
        return (await GitCli.RunCheckedAsync(gitDir, ["mktag"], Encoding.UTF8.GetBytes(text.ToString()), ct: ct)).StdoutText.Trim();
    }
}
