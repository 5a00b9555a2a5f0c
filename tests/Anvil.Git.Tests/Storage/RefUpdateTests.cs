namespace Anvil.Git.Tests.Storage;

public sealed class RefUpdateTests : IDisposable
{
    private readonly ScratchDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private async Task<(string GitDir, string First, string Second)> RepoWithTwoCommits()
    {
        var work = await TestGit.InitWorkTree(_tmp.Sub("work"));
        var first = await TestGit.CommitFile(work, "a", "1", "one");
        var second = await TestGit.CommitFile(work, "a", "2", "two");
        return (Path.Combine(work, ".git"), first, second);
    }

    private static Task<string> Resolve(string gitDir, string rev) => TestGit.Run(null, "--git-dir=" + gitDir, "rev-parse", rev);

    [Fact]
    public async Task Update_succeeds_when_the_old_value_matches_and_fails_when_it_does_not()
    {
        var (gitDir, first, second) = await RepoWithTwoCommits();

        Assert.True(await RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/main", first, second));
        Assert.Equal(first, await Resolve(gitDir, "refs/heads/main"));

        Assert.False(await RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/main", second, second));
        Assert.Equal(first, await Resolve(gitDir, "refs/heads/main"));
    }

    [Fact]
    public async Task Zero_old_value_means_create_only()
    {
        var (gitDir, first, second) = await RepoWithTwoCommits();

        Assert.True(await RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/new", first, RepositoryStore.ZeroOid));
        Assert.False(await RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/new", second, RepositoryStore.ZeroOid));
        Assert.Equal(first, await Resolve(gitDir, "refs/heads/new"));
    }

    [Fact]
    public async Task Delete_is_compare_and_swap_too()
    {
        var (gitDir, first, second) = await RepoWithTwoCommits();
        Assert.True(await RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/gone", first, RepositoryStore.ZeroOid));

        Assert.False(await RepositoryStore.DeleteRefAsync(gitDir, "refs/heads/gone", second));
        Assert.True(await RepositoryStore.DeleteRefAsync(gitDir, "refs/heads/gone", first));
        Assert.False((await TestGit.Try(null, "--git-dir=" + gitDir, "rev-parse", "--verify", "-q", "refs/heads/gone")).Success);
        Assert.False(await RepositoryStore.DeleteRefAsync(gitDir, "refs/heads/gone", first));
    }

    [Fact]
    public async Task Failures_other_than_a_mismatch_throw()
    {
        var (gitDir, _, second) = await RepoWithTwoCommits();
        var missing = new string('1', 40);
        await Assert.ThrowsAsync<GitCommandException>(() => RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/main", missing, second));
        await Assert.ThrowsAsync<ArgumentException>(() => RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/a..b", second, RepositoryStore.ZeroOid));
        await Assert.ThrowsAsync<ArgumentException>(() => RepositoryStore.UpdateRefAsync(gitDir, "refs/heads/x", "HEAD", RepositoryStore.ZeroOid));
    }

    public static TheoryData<string> RefNameCases => new()
    {
        "refs/heads/main", "refs/heads/feature/x", "refs/tags/v1.0", "refs/heads/@", "refs/heads/@b", "refs/heads/-a",
        "refs/heads/ä", "refs/heads/a.b", "main", "@", "", "refs/heads//a", "/refs/heads/a", "refs/heads/a/",
        "refs/heads/a.", "refs/heads/.a", "refs/heads/a.lock", "refs/heads/a.lock/b", "refs/heads/a@{b",
        "refs/heads/a..b", "refs/heads/a b", "refs/heads/a\\b", "refs/heads/a*", "refs/heads/a?", "refs/heads/a[",
        "refs/heads/a~1", "refs/heads/a^", "refs/heads/a:b", "refs/heads/a\tb", "refs/heads/a\u007f",
    };

    [Theory]
    [MemberData(nameof(RefNameCases))]
    public async Task RefNames_IsValid_agrees_with_git_check_ref_format(string name)
    {
        var git = await GitCli.RunAsync(null, ["check-ref-format", name]);
        Assert.Equal(git.Success, RefNames.IsValid(name));
    }

    [Fact]
    public void IsValidOid_accepts_only_full_lowercase_sha1()
    {
        Assert.True(RepositoryStore.IsValidOid("0123456789abcdef0123456789abcdef01234567"));
        Assert.False(RepositoryStore.IsValidOid("0123456789ABCDEF0123456789abcdef01234567"));
        Assert.False(RepositoryStore.IsValidOid("0123456789abcdef"));
        Assert.False(RepositoryStore.IsValidOid("0123456789abcdef0123456789abcdef0123456g"));
        Assert.False(RepositoryStore.IsValidOid(null));
    }
}
