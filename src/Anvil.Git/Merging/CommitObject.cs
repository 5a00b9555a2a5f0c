using System.Text;
using Anvil.Git.Storage;

namespace Anvil.Git.Merging;

/// <summary>
/// The few fields of a commit object that replaying it needs, read from <c>git cat-file commit</c>. Kept
/// byte-exact where it matters: the message is copied verbatim and the author date keeps its time zone.
/// </summary>
internal sealed record CommitObject(string TreeOid, IReadOnlyList<string> Parents, GitSignature Author, byte[] Message)
{
    public static async Task<CommitObject> ReadAsync(string gitDir, string oid, CancellationToken ct)
    {
        var raw = (await GitCli.RunCheckedAsync(gitDir, ["cat-file", "commit", oid], ct: ct)).Stdout;
        var headerEnd = raw.AsSpan().IndexOf("\n\n"u8);
        var headers = Encoding.UTF8.GetString(raw, 0, headerEnd < 0 ? raw.Length : headerEnd).Split('\n');
        var message = headerEnd < 0 ? [] : raw[(headerEnd + 2)..];

        string? tree = null;
        GitSignature? author = null;
        var parents = new List<string>();
        foreach (var line in headers)
        {
            if (line.StartsWith("tree ", StringComparison.Ordinal))
            {
                tree = line[5..];
            }
            else if (line.StartsWith("parent ", StringComparison.Ordinal))
            {
                parents.Add(line[7..]);
            }
            else if (line.StartsWith("author ", StringComparison.Ordinal))
            {
                author = ParseSignature(line[7..]);
            }
        }
        if (tree is null || author is null)
        {
            throw new InvalidDataException($"commit {oid} has no tree or author");
        }
        return new CommitObject(tree, parents, author, message);
    }

    /// <summary>"Name &lt;email&gt; 1700000000 +0100" → identity with the date kept as git wrote it.</summary>
    private static GitSignature ParseSignature(string value)
    {
        var open = value.IndexOf('<');
        var close = value.LastIndexOf('>');
        if (open < 0 || close < open)
        {
            throw new InvalidDataException($"malformed identity '{value}'");
        }
        return new GitSignature(value[..open].Trim(), value[(open + 1)..close])
        {
            RawDate = "@" + value[(close + 1)..].Trim(), // '@' makes git read the number as a Unix timestamp
        };
    }
}
