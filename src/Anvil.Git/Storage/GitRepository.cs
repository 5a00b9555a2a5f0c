namespace Anvil.Git.Storage;

/// <summary>
/// One bare repository of a <see cref="RepositoryStore"/>, opened by its ids with <see cref="RepositoryStore.Open"/>:
/// it reads and moves its refs and runs its maintenance, and hands its <see cref="GitDir"/> to the reader, the writers,
/// the merger, the archiver and smart HTTP, so that code outside Anvil.Git never builds a repository path.
/// </summary>
/// <remarks>Opening checks nothing: a handle to a repository that does not exist fails where git does.</remarks>
public sealed class GitRepository
{
    private readonly RepositoryStore _store;

    internal GitRepository(RepositoryStore store, long ownerId, long repoId, string gitDir)
    {
        _store = store;
        OwnerId = ownerId;
        RepoId = repoId;
        GitDir = gitDir;
    }

    public long OwnerId { get; }
    public long RepoId { get; }

    /// <summary>The bare repository's directory, for the APIs of Anvil.Git that take one.</summary>
    public string GitDir { get; }

    public bool Exists => Directory.Exists(GitDir);

    /// <summary>The commit <paramref name="refName"/> holds, or null when it does not exist.</summary>
    public Task<string?> ResolveRefAsync(string refName, CancellationToken ct = default) =>
        RepositoryStore.ResolveRefAsync(GitDir, refName, ct);

    /// <summary>Whether the ref named exactly <paramref name="refName"/> exists (no abbreviation is looked up).</summary>
    public async Task<bool> HasRefAsync(string refName, CancellationToken ct = default) =>
        (await GitCli.RunAsync(GitDir, ["show-ref", "--verify", "--quiet", refName], ct: ct)).Success;

    /// <summary>Whether the repository has any branch at all (an empty one has none).</summary>
    public async Task<bool> HasBranchesAsync(CancellationToken ct = default) =>
        (await GitCli.RunAsync(GitDir, ["for-each-ref", "--count=1", RefNames.BranchPrefix], ct: ct)).Stdout.Length > 0;

    /// <summary>Whether <paramref name="oid"/> names a commit this repository has.</summary>
    public async Task<bool> HasCommitAsync(string oid, CancellationToken ct = default) =>
        (await GitCli.RunAsync(GitDir, ["cat-file", "-e", oid + "^{commit}"], ct: ct)).Success;

    /// <inheritdoc cref="RepositoryStore.UpdateRefAsync"/>
    public Task<bool> UpdateRefAsync(string refName, string newOid, string expectedOldOid, CancellationToken ct = default) =>
        RepositoryStore.UpdateRefAsync(GitDir, refName, newOid, expectedOldOid, ct);

    /// <inheritdoc cref="RepositoryStore.DeleteRefAsync"/>
    public Task<bool> DeleteRefAsync(string refName, string expectedOldOid, CancellationToken ct = default) =>
        RepositoryStore.DeleteRefAsync(GitDir, refName, expectedOldOid, ct);

    /// <summary>Removes <paramref name="refName"/> whatever it holds; a missing ref is not an error.</summary>
    public Task RemoveRefAsync(string refName, CancellationToken ct = default) =>
        RepositoryStore.RemoveRefAsync(GitDir, refName, ct);

    /// <summary>
    /// Fetches <paramref name="sourceRef"/> of <paramref name="source"/> (which may be this repository) into this one as
    /// <paramref name="targetRef"/>, forced, with whatever objects are missing. Returns the commit the target ref now
    /// holds, or null when the source ref does not exist.
    /// </summary>
    public Task<string?> FetchRefAsync(GitRepository source, string sourceRef, string targetRef, CancellationToken ct = default) =>
        RepositoryStore.FetchRefAsync(GitDir, source.GitDir, sourceRef, targetRef, ct);

    /// <summary>Points HEAD (the default branch) at <paramref name="branch"/>. The branch need not exist yet.</summary>
    public async Task SetDefaultBranchAsync(string branch, CancellationToken ct)
    {
        var branchRef = RepositoryStore.BranchRef(branch);
        await GitCli.RunCheckedAsync(ExistingGitDir(), ["symbolic-ref", "HEAD", branchRef], ct: ct);
    }

    /// <summary>
    /// Checks the connectivity and validity of every object with <c>git fsck</c>. Dangling objects are normal
    /// (abandoned merges, force-pushes) and are not reported.
    /// </summary>
    public async Task<FsckReport> FsckAsync(CancellationToken ct)
    {
        var result = await GitCli.RunAsync(ExistingGitDir(), ["fsck", "--no-progress", "--no-dangling"], ct: ct);
        return new FsckReport(result.Success, (result.StdoutText + result.Stderr).Trim());
    }

    /// <summary>
    /// Packs loose objects and refs and prunes unreachable objects past git's grace period (two weeks by default), so
    /// objects written for an in-flight push or merge are never pruned under it. The pooled readers then let go of the
    /// packs gc replaced.
    /// </summary>
    public async Task GcAsync(CancellationToken ct)
    {
        try
        {
            await GitCli.RunCheckedAsync(ExistingGitDir(), ["gc", "--quiet"], ct: ct);
        }
        finally
        {
            _store.Forget(GitDir);
        }
    }

    private string ExistingGitDir() =>
        Exists ? GitDir : throw new DirectoryNotFoundException($"repository {OwnerId}/{RepoId} does not exist");
}
