namespace Anvil.Git.Tests.Storage;

public sealed class RepositoryStoreTests : IDisposable
{
    private readonly ScratchDir _tmp = new();
    private readonly RepositoryStore _store;

    public RepositoryStoreTests()
    {
        _store = new RepositoryStore(_tmp.Sub("repositories"));
    }

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void PathFor_uses_ids_only()
    {
        Assert.Equal(Path.Combine(_store.Root, "7", "42.git"), _store.PathFor(7, 42));
    }

    [Fact]
    public async Task Create_without_readme_makes_an_empty_bare_repo_with_the_default_branch()
    {
        await _store.CreateAsync(1, 2, "trunk", null, default);
        var dir = _store.PathFor(1, 2);

        Assert.Equal("true", await TestGit.Run(null, "--git-dir=" + dir, "rev-parse", "--is-bare-repository"));
        Assert.Equal("refs/heads/trunk", await TestGit.Run(null, "--git-dir=" + dir, "symbolic-ref", "HEAD"));
        Assert.Equal("", await TestGit.Run(null, "--git-dir=" + dir, "for-each-ref"));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_store.Root, ".tmp")));
    }

    [Fact]
    public async Task Create_with_readme_is_clonable_and_has_the_readme()
    {
        var author = new GitSignature("Alice Author", "alice@example.com", new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        await _store.CreateAsync(1, 2, "main", new InitialCommit(author, "hello-world", "A test repository"), default);

        var clone = _tmp.Sub("clone");
        await TestGit.Run(null, "clone", "-q", _store.PathFor(1, 2), clone);
        Assert.Equal("# hello-world\n\nA test repository\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md")));
        Assert.Equal("main", await TestGit.Run(clone, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.Equal("Alice Author <alice@example.com> 2024-05-01T12:00:00+02:00 Initial commit",
            await TestGit.Run(clone, "log", "-1", "--format=%an <%ae> %aI %s"));
    }

    [Fact]
    public async Task Create_refuses_an_existing_repo_and_a_bad_branch_leaving_nothing_behind()
    {
        await _store.CreateAsync(1, 2, "main", null, default);
        await Assert.ThrowsAsync<IOException>(() => _store.CreateAsync(1, 2, "main", null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.CreateAsync(1, 3, "bad..name", null, default));
        Assert.False(_store.Open(1, 3).Exists);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_store.Root, ".tmp")));
    }

    [Fact]
    public async Task Delete_removes_the_repo_and_is_idempotent()
    {
        await _store.CreateAsync(1, 2, "main", new InitialCommit(TestGit.Alice, "r", null), default);
        await _store.DeleteAsync(1, 2);
        Assert.False(_store.Open(1, 2).Exists);
        await _store.DeleteAsync(1, 2);
        await _store.DeleteAsync(9, 9);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_store.Root, ".tmp")));
    }

    [Fact]
    public async Task Fork_has_all_branches_and_tags_no_remote_and_survives_parent_deletion()
    {
        await _store.CreateAsync(1, 1, "main", new InitialCommit(TestGit.Alice, "parent", null), default);
        var parent = _store.PathFor(1, 1);
        var work = _tmp.Sub("work");
        await TestGit.Run(null, "clone", "-q", parent, work);
        await TestGit.CommitFile(work, "a.txt", "a", "add a");
        await TestGit.Run(work, "tag", "-a", "v1", "-m", "v1");
        await TestGit.Run(work, "checkout", "-q", "-b", "feature");
        await TestGit.CommitFile(work, "b.txt", "b", "add b");
        await TestGit.Run(work, "push", "-q", "origin", "main", "feature", "v1");
        var parentRefs = await TestGit.Run(null, "--git-dir=" + parent, "for-each-ref", "--format=%(refname) %(objectname)");

        await _store.ForkAsync(1, 1, 2, 5, default);
        var fork = _store.PathFor(2, 5);

        Assert.Equal(parentRefs, await TestGit.Run(null, "--git-dir=" + fork, "for-each-ref", "--format=%(refname) %(objectname)"));
        Assert.Equal("refs/heads/main", await TestGit.Run(null, "--git-dir=" + fork, "symbolic-ref", "HEAD"));
        Assert.Equal("", (await TestGit.Try(null, "--git-dir=" + fork, "remote")).StdoutText.Trim());
        Assert.DoesNotContain(parent, await File.ReadAllTextAsync(Path.Combine(fork, "config")));

        await _store.DeleteAsync(1, 1);
        Assert.False(Directory.Exists(parent));

        await TestGit.Run(null, "--git-dir=" + fork, "fsck", "--full", "--strict");
        var clone = _tmp.Sub("clone-of-fork");
        await TestGit.Run(null, "clone", "-q", fork, clone);
        await TestGit.Run(clone, "checkout", "-q", "feature");
        Assert.True(File.Exists(Path.Combine(clone, "b.txt")));
    }

    [Fact]
    public async Task SetDefaultBranch_moves_HEAD()
    {
        await _store.CreateAsync(1, 2, "main", null, default);
        await _store.Open(1, 2).SetDefaultBranchAsync("develop", default);
        Assert.Equal("refs/heads/develop", await TestGit.Run(null, "--git-dir=" + _store.PathFor(1, 2), "symbolic-ref", "HEAD"));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.Open(1, 2).SetDefaultBranchAsync("no spaces", default));
    }
}
