namespace Anvil.Git.Reading;

/// <summary>Whole changes as git's own text: what GitHub's diff and patch media types answer.</summary>
public enum ChangeText
{
    /// <summary><c>git diff</c>: the unified diff from one commit (or the empty tree) to another.</summary>
    Diff,
    /// <summary><c>git format-patch</c>: each commit as a mail, the form <c>git am</c> applies.</summary>
    Patch,
}

public sealed partial class GitReader
{
    /// <summary>
    /// The change from <paramref name="fromOid"/> (a commit, or the empty tree for everything) to the commit
    /// <paramref name="toOid"/>, as <paramref name="format"/>. For a patch, the commits after <paramref name="fromOid"/>
    /// up to <paramref name="toOid"/> (all of its history from the empty tree).
    /// </summary>
    public async Task<byte[]> GetChangeTextAsync(string gitDir, string fromOid, string toOid, ChangeText format, CancellationToken ct = default)
    {
        GitInput.RequireOid(fromOid, nameof(fromOid));
        GitInput.RequireOid(toOid, nameof(toOid));
        List<string> args = format == ChangeText.Diff
            ? ["diff", "--no-color", "--no-ext-diff", "--full-index", "-M", fromOid, toOid]
            : ["format-patch", "--stdout", "--no-color", "--full-index", "--no-signature", "-M",
                .. fromOid == GitInput.EmptyTreeOid ? (string[])["--root", toOid] : [$"{fromOid}..{toOid}"]];
        return (await GitCli.RunCheckedAsync(gitDir, args, ct: ct)).Stdout;
    }
}
