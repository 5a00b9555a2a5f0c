namespace Anvil.Git.Reading;

public enum ArchiveFormat
{
    TarGz,
    Zip,
}

/// <summary><c>git archive</c> of one commit, streamed as git writes it (nothing buffered, however big the tree).</summary>
public static class GitArchive
{
    /// <summary>
    /// Writes the archive of <paramref name="commitOid"/> to <paramref name="output"/>, every path under <paramref name="prefix"/>
    /// (a folder name; a '/' is added). Throws <see cref="GitCommandException"/> when git fails before writing anything.
    /// </summary>
    public static async Task WriteAsync(string gitDir, string commitOid, ArchiveFormat format, string prefix, Stream output, CancellationToken ct)
    {
        GitInput.RequireOid(commitOid);
        if (prefix.Length == 0 || prefix.Contains('/') || prefix.StartsWith('-') || prefix.Any(char.IsControl))
        {
            throw new ArgumentException($"invalid archive prefix '{prefix}'", nameof(prefix));
        }
        string[] args = ["archive", format == ArchiveFormat.Zip ? "--format=zip" : "--format=tar.gz", "--prefix=" + prefix + "/", commitOid];
        await using var git = RunningGit.Start(gitDir, args);
        await git.RawOutput.CopyToAsync(output, ct);
        await git.EnsureSuccessAsync(ct);
    }
}
