using System.Text;

namespace Anvil.Git.Storage;

/// <summary>
/// Writes git objects straight into a (bare) repository with plumbing commands, so nothing needs a work tree.
/// </summary>
internal static class ObjectWriter
{
    public static async Task<string> WriteBlobAsync(string gitDir, byte[] content, CancellationToken ct)
        => await RunForOidAsync(gitDir, ["hash-object", "-w", "--stdin"], content, null, ct);

    /// <summary>Writes a tree holding only regular files at its top level (enough for a first commit).</summary>
    public static async Task<string> WriteFlatTreeAsync(string gitDir, IEnumerable<(string Name, string BlobOid)> files, CancellationToken ct)
    {
        var sb = new StringBuilder();
        foreach (var (name, oid) in files)
        {
            sb.Append("100644 blob ").Append(oid).Append('\t').Append(name).Append('\0');
        }
        return await RunForOidAsync(gitDir, ["mktree", "-z"], Encoding.UTF8.GetBytes(sb.ToString()), null, ct);
    }

    /// <summary>
    /// Creates a commit object. The message is taken byte for byte (commit-tree does no cleanup), which is
    /// what replaying someone else's commit needs.
    /// </summary>
    public static async Task<string> CommitTreeAsync(string gitDir, string treeOid, IReadOnlyList<string> parents,
        byte[] message, GitSignature author, GitSignature committer, CancellationToken ct)
    {
        var args = new List<string> { "commit-tree", treeOid };
        foreach (var p in parents)
        {
            args.Add("-p");
            args.Add(p);
        }
        return await RunForOidAsync(gitDir, args, message, GitSignature.Environment(author, committer), ct);
    }

    public static Task<string> CommitTreeAsync(string gitDir, string treeOid, IReadOnlyList<string> parents,
        string message, GitSignature author, GitSignature committer, CancellationToken ct)
        => CommitTreeAsync(gitDir, treeOid, parents, Encoding.UTF8.GetBytes(EnsureTrailingNewline(message)), author, committer, ct);

    private static string EnsureTrailingNewline(string message) => message.EndsWith('\n') ? message : message + "\n";

    private static async Task<string> RunForOidAsync(string gitDir, IEnumerable<string> args, byte[] stdin,
        IReadOnlyDictionary<string, string>? env, CancellationToken ct)
    {
        var r = await GitCli.RunCheckedAsync(gitDir, args, stdin, env, ct);
        return r.StdoutText.Trim();
    }
}
