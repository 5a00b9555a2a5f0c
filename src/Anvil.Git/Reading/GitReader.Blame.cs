using System.Text;

namespace Anvil.Git.Reading;

/// <summary>One line of a file and the commit that last changed it.</summary>
public sealed record BlameLine(int Number, string CommitOid, string Content);

/// <param name="Commits">Every commit <see cref="Lines"/> names, by oid.</param>
public sealed record GitBlame(IReadOnlyList<BlameLine> Lines, IReadOnlyDictionary<string, GitCommit> Commits);

public sealed partial class GitReader
{
    /// <summary>
    /// Who last changed each line of <paramref name="path"/> as of <paramref name="commitOid"/> (<c>git blame --porcelain</c>);
    /// null when the path is not a file there.
    /// </summary>
    public async Task<GitBlame?> GetBlameAsync(string gitDir, string commitOid, string path, CancellationToken ct = default)
    {
        GitInput.RequireOid(commitOid, nameof(commitOid));
        var file = GitInput.NormalizePath(path);
        var result = await GitCli.RunAsync(gitDir, ["--literal-pathspecs", "blame", "--porcelain", commitOid, "--", file], ct: ct);
        if (!result.Success)
        {
            return null; // no such path at that commit (git says "no such path")
        }
        var lines = new List<BlameLine>();
        string? current = null;
        var number = 0;
        foreach (var line in Encoding.UTF8.GetString(result.Stdout).Split('\n'))
        {
            if (line.StartsWith('\t'))
            {
                lines.Add(new BlameLine(++number, current ?? throw new InvalidDataException("blame content before its header"), line[1..]));
            }
            else if (line.Length > 41 && line[40] == ' ' && GitInput.IsFullOid(line[..40]))
            {
                current = line[..40];
            }
        }
        var oids = lines.Select(l => l.CommitOid).Distinct().ToList();
        var commits = await GetCommitsByOidAsync(gitDir, oids, ct);
        return new GitBlame(lines, commits.Select((c, i) => c ?? throw new InvalidDataException($"commit {oids[i]} is missing"))
            .ToDictionary(c => c.Oid));
    }
}
