using Anvil.Git.Reading;

namespace Anvil.Git.Storage;

/// <summary>
/// Where bare repositories live on disk and how they are created, forked and deleted.
/// Layout: <c>&lt;root&gt;/&lt;ownerId&gt;/&lt;repoId&gt;.git</c>. Paths use ids, never names, so renaming an owner
/// or repository moves nothing on disk. Everything done to one repository goes through its <see cref="Open"/> handle.
/// </summary>
public sealed partial class RepositoryStore
{
    private readonly string _root;
    private readonly CatFilePool? _pool;

    /// <param name="repositoriesRoot">The folder the repositories live in.</param>
    /// <param name="pool">The pool the application reads through, told to let go of a repository that is deleted or repacked.</param>
    public RepositoryStore(string repositoriesRoot, CatFilePool? pool = null)
    {
        _root = Path.GetFullPath(repositoriesRoot);
        _pool = pool;
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    /// <summary>The repository <paramref name="repoId"/> of owner <paramref name="ownerId"/>, existing or not.</summary>
    public GitRepository Open(long ownerId, long repoId) => new(this, ownerId, repoId, PathFor(ownerId, repoId));

    internal string PathFor(long ownerId, long repoId)
    {
        if (ownerId <= 0 || repoId <= 0)
        {
            throw new ArgumentOutOfRangeException(ownerId <= 0 ? nameof(ownerId) : nameof(repoId), "ids must be positive");
        }
        return Path.Combine(_root, ownerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            repoId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".git");
    }

    /// <summary>
    /// Creates an empty bare repository whose HEAD names <paramref name="defaultBranch"/>, optionally with a
    /// first commit holding a README.md. Throws <see cref="IOException"/> if the repository already exists.
    /// </summary>
    public async Task CreateAsync(long ownerId, long repoId, string defaultBranch, InitialCommit? init, CancellationToken ct)
    {
        var branchRef = BranchRef(defaultBranch);
        await BuildThenPublishAsync(ownerId, repoId, async tmp =>
        {
            await GitCli.RunCheckedAsync(null, ["init", "--bare", "--quiet", tmp], ct: ct);
            await GitCli.RunCheckedAsync(tmp, ["symbolic-ref", "HEAD", branchRef], ct: ct);
            if (init is not null)
            {
                await WriteInitialCommitAsync(tmp, branchRef, init, ct);
            }
        }, ct);
    }

    /// <summary>
    /// Deletes the repository, and the pooled readers forget it, so a repository created again at its ids reads only
    /// its own objects. Deleting one that does not exist is not an error.
    /// </summary>
    public Task DeleteAsync(long ownerId, long repoId, CancellationToken ct = default)
    {
        var path = PathFor(ownerId, repoId);
        if (!Directory.Exists(path))
        {
            return Task.CompletedTask;
        }
        // Move it out of the way first: the rename is atomic, so readers see the whole repository or
        // nothing, never a half-deleted one; the slow recursive delete happens out of sight.
        var trash = NewScratchPath("deleted");
        try
        {
            Directory.Move(path, trash);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask; // deleted concurrently
        }
        finally
        {
            Forget(path);
        }
        return Task.Run(() => DeleteDirectory(trash), ct);
    }

    /// <summary>Closes the pooled cat-file processes of <paramref name="gitDir"/> and drops what was read from it.</summary>
    internal void Forget(string gitDir) => _pool?.Forget(gitDir);

    /// <summary>
    /// Creates <paramref name="dstRepo"/> as a fork of <paramref name="srcRepo"/>: every branch and tag, the same
    /// HEAD, and no remote configuration pointing back at the parent.
    /// </summary>
    /// <remarks>
    /// The fork is a <c>git clone --bare --local</c>, which hardlinks the parent's object files instead of
    /// copying them. Objects are immutable, so sharing inodes is safe, disk usage is shared for everything that
    /// existed at fork time, and the fork is a self-contained repository: deleting, repacking or gc-ing the
    /// parent can never break it. Alternates would share more (later parent objects too) but make the fork
    /// depend on the parent's path and require a repack of every fork before a parent delete or prune; that
    /// coupling is not worth it here.
    /// </remarks>
    public async Task ForkAsync(long srcOwner, long srcRepo, long dstOwner, long dstRepo, CancellationToken ct)
    {
        var source = PathFor(srcOwner, srcRepo);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"repository {srcOwner}/{srcRepo} does not exist");
        }
        await BuildThenPublishAsync(dstOwner, dstRepo, async tmp =>
        {
            await GitCli.RunCheckedAsync(null, ["clone", "--bare", "--local", "--quiet", "--", source, tmp], ct: ct);
            await GitCli.RunCheckedAsync(tmp, ["config", "--remove-section", "remote.origin"], ct: ct);
        }, ct);
    }

    internal static string BranchRef(string branch)
    {
        var name = RefNames.Branch(branch);
        if (!RefNames.IsValid(name))
        {
            throw new ArgumentException($"invalid branch name '{branch}'", nameof(branch));
        }
        return name;
    }

    private static async Task WriteInitialCommitAsync(string gitDir, string branchRef, InitialCommit init, CancellationToken ct)
    {
        var readme = await ObjectWriter.WriteBlobAsync(gitDir, init.ReadmeBytes(), ct);
        var tree = await ObjectWriter.WriteFlatTreeAsync(gitDir, [("README.md", readme)], ct);
        var commit = await ObjectWriter.CommitTreeAsync(gitDir, tree, [], "Initial commit", init.Author, init.Author, ct);
        if (!await UpdateRefAsync(gitDir, branchRef, commit, ZeroOid, ct))
        {
            throw new InvalidOperationException($"{branchRef} already existed in a brand-new repository");
        }
    }

    /// <summary>
    /// Builds a repository in a scratch directory under the same root (same filesystem) and renames it into
    /// place only when complete, so a failure or crash never leaves a half-made repository at the real path.
    /// </summary>
    private async Task BuildThenPublishAsync(long ownerId, long repoId, Func<string, Task> build, CancellationToken ct)
    {
        var target = PathFor(ownerId, repoId);
        if (Directory.Exists(target))
        {
            throw new IOException($"repository {ownerId}/{repoId} already exists");
        }
        var tmp = NewScratchPath("new");
        try
        {
            await build(tmp);
            ct.ThrowIfCancellationRequested();
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // Directory.Move fails if the target appeared meanwhile, so two creators cannot both win.
            Directory.Move(tmp, target);
        }
        catch
        {
            DeleteDirectory(tmp);
            throw;
        }
    }

    /// <summary>A fresh path under <c>&lt;root&gt;/.tmp</c>; never a valid repository path (owner ids are numeric).</summary>
    private string NewScratchPath(string purpose)
    {
        var scratchRoot = Path.Combine(_root, ".tmp");
        Directory.CreateDirectory(scratchRoot);
        return Path.Combine(scratchRoot, $"{purpose}-{Guid.NewGuid():N}");
    }

    private static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        // Git makes object files read-only; that does not stop deletion on Unix, but clear it for portability.
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }
        Directory.Delete(path, recursive: true);
    }
}
