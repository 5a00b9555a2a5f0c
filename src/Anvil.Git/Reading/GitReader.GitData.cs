using System.Globalization;
using System.Text;

namespace Anvil.Git.Reading;

/// <summary>An annotated tag object as GitHub's git data API shows it.</summary>
public sealed record GitTagObject(string Oid, string Name, string Message, string ObjectOid, string ObjectType, RecordedSignature? Tagger);

/// <summary>A ref of any namespace and the object it points at (unpeeled).</summary>
public sealed record GitRefEntry(string Name, string Oid, GitObjectType Type);

/// <summary>The raw objects of GitHub's git data API: trees by id (recursively too) and annotated tags.</summary>
public sealed partial class GitReader
{
    /// <summary>Every ref of the repository (branches, tags, pull request heads, anything else), sorted by name.</summary>
    public async Task<IReadOnlyList<GitRefEntry>> ListRefsAsync(string gitDir, CancellationToken ct = default)
    {
        var refs = new List<GitRefEntry>();
        foreach (var r in await ForEachRefAsync(gitDir, [], ct))
        {
            if (Enum.TryParse<GitObjectType>(r.Type, ignoreCase: true, out var type))
            {
                refs.Add(new GitRefEntry(r.Name, r.Oid, type));
            }
        }
        return refs;
    }

    /// <summary>
    /// The entries of the tree <paramref name="treeOid"/> in git's order, with blob sizes; with <paramref name="recursive"/>,
    /// every entry below it too, subtrees included (as GitHub lists them). Null when it is not a tree of the repository.
    /// </summary>
    public async Task<IReadOnlyList<GitTreeEntry>?> ListTreeAsync(string gitDir, string treeOid, bool recursive, CancellationToken ct = default)
    {
        var info = await GetObjectInfoAsync(gitDir, treeOid, ct);
        if (info is not { Type: GitObjectType.Tree })
        {
            return null;
        }
        List<string> args = recursive ? ["ls-tree", "-z", "-l", "-r", "-t", treeOid] : ["ls-tree", "-z", "-l", treeOid];
        var output = (await GitCli.RunCheckedAsync(gitDir, args, ct: ct)).StdoutText;
        var entries = new List<GitTreeEntry>();
        // "<mode> SP <type> SP <oid> SP+ <size or -> TAB <path>" NUL
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = record.IndexOf('\t');
            var fields = record[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = record[(tab + 1)..];
            long? size = long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            var name = path[(path.LastIndexOf('/') + 1)..];
            entries.Add(new GitTreeEntry(name, path, TreeParser.KindOf(fields[0]), fields[0], fields[2], size));
        }
        return entries;
    }

    /// <summary>The annotated tag object <paramref name="oid"/>; null when it is not a tag object of the repository.</summary>
    public async Task<GitTagObject?> GetTagObjectAsync(string gitDir, string oid, CancellationToken ct = default)
    {
        var obj = await ReadObjectAsync(gitDir, oid, _options.MaxMetadataObjectBytes, ct);
        if (obj is not { Type: GitObjectType.Tag })
        {
            return null;
        }
        var data = obj.Data.AsSpan();
        var split = data.IndexOf("\n\n"u8);
        var headers = Encoding.UTF8.GetString(split >= 0 ? data[..split] : data).Split('\n');
        var message = split >= 0 ? Encoding.UTF8.GetString(data[(split + 2)..]) : "";
        string? target = null, type = null, name = null;
        RecordedSignature? tagger = null;
        foreach (var line in headers)
        {
            var space = line.IndexOf(' ');
            if (space < 0)
            {
                continue;
            }
            var value = line[(space + 1)..];
            switch (line[..space])
            {
                case "object": target = value; break;
                case "type": type = value; break;
                case "tag": name = value; break;
                case "tagger": tagger = CommitParser.ParseSignature(value); break;
            }
        }
        // A signature follows the message in the same body; GitHub shows the message without it.
        var signature = message.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        if (signature >= 0)
        {
            message = message[..signature];
        }
        return target is null || type is null || name is null ? null : new GitTagObject(oid, name, message, target, type, tagger);
    }
}
