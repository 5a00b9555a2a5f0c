using System.Text;

namespace Anvil.Git.Reading;

/// <summary>Parses raw (binary) tree objects as cat-file returns them: repeated "&lt;mode&gt; &lt;name&gt;\0&lt;20-byte oid&gt;".</summary>
internal static class TreeParser
{
    private const int OidBytes = 20;

    /// <param name="parentPath">Path of the tree itself, used to build each entry's repository-relative path.</param>
    public static List<GitTreeEntry> Parse(ReadOnlySpan<byte> data, string parentPath)
    {
        var entries = new List<GitTreeEntry>();
        var prefix = parentPath.Length == 0 ? "" : parentPath + "/";
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            var nul = data.IndexOf((byte)0);
            if (space <= 0 || nul < space || nul + 1 + OidBytes > data.Length)
            {
                throw new InvalidDataException("malformed tree object");
            }
            var mode = NormalizeMode(Encoding.ASCII.GetString(data[..space]));
            var name = Encoding.UTF8.GetString(data[(space + 1)..nul]);
            var oid = Convert.ToHexStringLower(data.Slice(nul + 1, OidBytes));
            entries.Add(new GitTreeEntry(name, prefix + name, KindOf(mode), mode, oid, null));
            data = data[(nul + 1 + OidBytes)..];
        }
        return entries;
    }

    public static GitTreeEntryKind KindOf(string mode) => mode switch
    {
        "040000" => GitTreeEntryKind.Tree,
        "160000" => GitTreeEntryKind.Submodule,
        "120000" => GitTreeEntryKind.Symlink,
        _ => GitTreeEntryKind.Blob,
    };

    // Trees store "40000"; everything user-facing (ls-tree, diffs) shows six digits.
    private static string NormalizeMode(string mode) => mode.PadLeft(6, '0');
}

/// <summary>Parses raw commit objects: header lines, a blank line, then the message.</summary>
internal static class CommitParser
{
    public static GitCommit Parse(string oid, ReadOnlySpan<byte> data)
    {
        var split = data.IndexOf("\n\n"u8);
        var headerBytes = split >= 0 ? data[..split] : data;
        var messageBytes = split >= 0 ? data[(split + 2)..] : [];

        string? tree = null;
        var parents = new List<string>();
        RecordedSignature? author = null, committer = null;
        var encoding = Encoding.UTF8;
        foreach (var line in Encoding.UTF8.GetString(headerBytes).Split('\n'))
        {
            // Continuation lines (leading space) belong to multi-line headers like gpgsig and mergetag.
            if (line.StartsWith(' '))
            {
                continue;
            }
            var space = line.IndexOf(' ');
            if (space < 0)
            {
                continue;
            }
            var value = line[(space + 1)..];
            switch (line[..space])
            {
                case "tree": tree = value; break;
                case "parent": parents.Add(value); break;
                case "author": author = ParseSignature(value); break;
                case "committer": committer = ParseSignature(value); break;
                case "encoding": encoding = EncodingFor(value); break;
            }
        }
        if (tree is null || author is null || committer is null)
        {
            throw new InvalidDataException($"malformed commit object {oid}");
        }
        var message = encoding.GetString(messageBytes);
        return new GitCommit(oid, tree, parents, author, committer, message, SummaryOf(message));
    }

    /// <summary>Parses "Name &lt;email&gt; 1700000000 +0200". Git tolerates broken idents in old history, so this does too.</summary>
    internal static RecordedSignature ParseSignature(string value)
    {
        var close = value.LastIndexOf('>');
        var open = close >= 0 ? value.LastIndexOf('<', close) : -1;
        if (open < 0)
        {
            return new RecordedSignature(value.Trim(), "", DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        }
        var name = value[..open].Trim();
        var email = value[(open + 1)..close];
        var rest = value[(close + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var when = DateTimeOffset.UnixEpoch;
        var offset = TimeSpan.Zero;
        if (rest.Length >= 1 && long.TryParse(rest[0], out var seconds) && seconds is >= -62135596800 and <= 253402300799)
        {
            when = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        if (rest.Length >= 2 && rest[1].Length == 5 && rest[1][0] is '+' or '-' && int.TryParse(rest[1].AsSpan(1, 2), out var h) && int.TryParse(rest[1].AsSpan(3, 2), out var m))
        {
            offset = new TimeSpan(h, m, 0) * (rest[1][0] == '-' ? -1 : 1);
        }
        return new RecordedSignature(name, email, when, offset);
    }

    private static string SummaryOf(string message)
    {
        var end = message.IndexOf('\n');
        return (end >= 0 ? message[..end] : message).Trim();
    }

    private static Encoding EncodingFor(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}
