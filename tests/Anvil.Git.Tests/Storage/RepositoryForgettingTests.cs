using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Storage;

/// <summary>What the pooled readers hold of a repository goes when the store deletes it or gc repacks it.</summary>
public sealed class RepositoryForgettingTests : IDisposable
{
    private readonly ScratchDir _tmp = new();
    private readonly CatFilePool _pool = new();
    private readonly GitReader _reader;
    private readonly RepositoryStore _store;

    public RepositoryForgettingTests()
    {
        _reader = new GitReader(_pool);
        _store = new RepositoryStore(_tmp.Sub("repositories"), _pool);
    }

    public void Dispose()
    {
        _pool.Dispose();
        _tmp.Dispose();
    }

    [Fact]
    public async Task Deleting_a_repository_ends_its_cat_file_processes()
    {
        var git = await CreateAsync(1, 2, "first");
        var pid = await ReadOnceAsync(git);

        await _store.DeleteAsync(1, 2);

        Assert.Empty(_pool.IdleProcessIds(git.GitDir));
        await AssertExitedAsync(pid);
    }

    [Fact]
    public async Task Gc_ends_the_cat_file_processes_and_later_reads_start_fresh_ones()
    {
        var git = await CreateAsync(1, 2, "first");
        var pid = await ReadOnceAsync(git);

        await git.GcAsync(default);

        Assert.Empty(_pool.IdleProcessIds(git.GitDir));
        await AssertExitedAsync(pid);
        var head = await git.ResolveRefAsync("refs/heads/main");
        Assert.Equal("Initial commit", (await _reader.GetCommitAsync(git.GitDir, head!))!.Summary);
        Assert.DoesNotContain(pid, _pool.IdleProcessIds(git.GitDir));
    }

    [Fact]
    public async Task A_repository_created_again_at_the_same_ids_reads_only_its_own_objects()
    {
        var first = await CreateAsync(1, 2, "first");
        var firstHead = (await first.ResolveRefAsync("refs/heads/main"))!;
        Assert.NotNull(await _reader.GetCommitAsync(first.GitDir, firstHead));
        var firstReadme = await _reader.GetFileAsync(first.GitDir, firstHead, "README.md");
        Assert.Equal("# first\n", System.Text.Encoding.UTF8.GetString(firstReadme!.Content!));
        Assert.Equal(firstHead, Assert.Single(await _reader.ListBranchesAsync(first.GitDir)).CommitOid);

        await _store.DeleteAsync(1, 2);
        var second = await CreateAsync(1, 2, "second");
        var secondHead = (await second.ResolveRefAsync("refs/heads/main"))!;

        Assert.NotEqual(firstHead, secondHead);
        Assert.Null(await _reader.GetCommitAsync(second.GitDir, firstHead));
        Assert.Null(await _reader.GetObjectInfoAsync(second.GitDir, firstHead));
        Assert.Null(await _reader.OpenBlobAsync(second.GitDir, firstReadme.Entry.Oid));
        Assert.Equal("# second\n", System.Text.Encoding.UTF8.GetString((await _reader.GetFileAsync(second.GitDir, secondHead, "README.md"))!.Content!));
        Assert.Equal("Bob Builder", (await _reader.GetCommitAsync(second.GitDir, secondHead))!.Author.Name);
        Assert.Equal(secondHead, Assert.Single(await _reader.ListBranchesAsync(second.GitDir)).CommitOid);
    }

    private async Task<GitRepository> CreateAsync(long ownerId, long repoId, string name)
    {
        // Different authors, so the two incarnations' first commits differ.
        var author = name == "first" ? TestGit.Alice : TestGit.Bob;
        await _store.CreateAsync(ownerId, repoId, "main", new InitialCommit(author, name, null), default);
        return _store.Open(ownerId, repoId);
    }

    /// <summary>Reads the head commit through the pool; returns the id of the cat-file process left idle for the next read.</summary>
    private async Task<int> ReadOnceAsync(GitRepository git)
    {
        var head = await git.ResolveRefAsync("refs/heads/main");
        Assert.NotNull(await _reader.GetCommitAsync(git.GitDir, head!));
        return Assert.Single(_pool.IdleProcessIds(git.GitDir));
    }

    private static async Task AssertExitedAsync(int pid)
    {
        // Closing a process's stdin ends it a moment later; /proc shows it until it is reaped.
        for (var waited = 0; Directory.Exists($"/proc/{pid}") && waited < 5000; waited += 50)
        {
            await Task.Delay(50);
        }
        Assert.False(Directory.Exists($"/proc/{pid}"), $"cat-file process {pid} still runs");
    }
}
