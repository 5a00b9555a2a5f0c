namespace Anvil.Git;

/// <summary>What <c>git fsck</c> found: <see cref="Healthy"/> when git reported no problem.</summary>
public sealed record FsckReport(bool Healthy, string Output);

public sealed partial class RepositoryStore
{
    /// <summary>
    /// Checks the connectivity and validity of every object with <c>git fsck</c>. Dangling objects are normal
    /// (abandoned merges, force-pushes) and are not reported.
    /// </summary>
    public async Task<FsckReport> FsckAsync(long ownerId, long repoId, CancellationToken ct)
    {
        var result = await GitCli.RunAsync(ExistingPath(ownerId, repoId), ["fsck", "--no-progress", "--no-dangling"], ct: ct);
        var output = (result.StdoutText + result.Stderr).Trim();
        return new FsckReport(result.Success, output);
    }

    /// <summary>
    /// Packs loose objects and refs and prunes unreachable objects past git's grace period (two weeks by
    /// default), so objects written for an in-flight push or merge are never pruned under it.
    /// </summary>
    public async Task GcAsync(long ownerId, long repoId, CancellationToken ct) =>
        await GitCli.RunCheckedAsync(ExistingPath(ownerId, repoId), ["gc", "--quiet"], ct: ct);

    private string ExistingPath(long ownerId, long repoId)
    {
        var path = PathFor(ownerId, repoId);
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"repository {ownerId}/{repoId} does not exist");
    }
}
