using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Storage;

public sealed class FetchRefTests : IDisposable
{
    private readonly ScratchDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static Task<string> Resolve(string gitDir, string rev) => TestGit.Run(null, "--git-dir=" + gitDir, "rev-parse", rev);

    [Fact]
    public async Task Fetch_brings_a_forks_branch_and_its_objects_into_another_repository_and_follows_it()
    {
        var baseWork = await TestGit.InitWorkTree(_tmp.Sub("base"));
        var root = await TestGit.CommitFile(baseWork, "a", "1", "root");
        var forkWork = _tmp.Sub("fork");
        await TestGit.Run(null, "clone", "-q", baseWork, forkWork);
        await TestGit.Run(forkWork, "checkout", "-q", "-b", "topic");
        var first = await TestGit.CommitFile(forkWork, "b", "2", "first");
        var baseGit = Path.Combine(baseWork, ".git");
        var forkGit = Path.Combine(forkWork, ".git");

        Assert.Equal(first, await RepositoryStore.FetchRefAsync(baseGit, forkGit, "refs/heads/topic", "refs/pull/1/head"));
        Assert.Equal(first, await Resolve(baseGit, "refs/pull/1/head"));
        Assert.Equal("2", await TestGit.Run(null, "--git-dir=" + baseGit, "cat-file", "blob", first + ":b"));

        // Forced: it follows a rewritten branch too.
        await TestGit.Run(forkWork, "reset", "-q", "--hard", root);
        var rewritten = await TestGit.CommitFile(forkWork, "c", "3", "rewritten");
        Assert.Equal(rewritten, await RepositoryStore.FetchRefAsync(baseGit, forkGit, "refs/heads/topic", "refs/pull/1/head"));

        Assert.Null(await RepositoryStore.FetchRefAsync(baseGit, forkGit, "refs/heads/missing", "refs/pull/2/head"));
        Assert.Null(await RepositoryStore.ResolveRefAsync(baseGit, "refs/pull/2/head"));
        await RepositoryStore.RemoveRefAsync(baseGit, "refs/pull/1/head");
        Assert.Null(await RepositoryStore.ResolveRefAsync(baseGit, "refs/pull/1/head"));
    }

    [Fact]
    public async Task Range_lists_what_head_adds_over_the_merge_base_oldest_first()
    {
        var work = await TestGit.InitWorkTree(_tmp.Sub("work"));
        var root = await TestGit.CommitFile(work, "a", "1", "root");
        await TestGit.Run(work, "checkout", "-q", "-b", "topic");
        var t1 = await TestGit.CommitFile(work, "b", "1", "t1");
        var t2 = await TestGit.CommitFile(work, "b", "2", "t2");
        await TestGit.Run(work, "checkout", "-q", "main");
        await TestGit.CommitFile(work, "c", "1", "main moves");
        var gitDir = Path.Combine(work, ".git");
        using var pool = new CatFilePool();
        var reader = new GitReader(pool);

        var mergeBase = await Merger.MergeBaseAsync(gitDir, await Resolve(gitDir, "main"), t2);
        Assert.Equal(root, mergeBase);
        Assert.Equal([t1, t2], (await reader.GetRangeAsync(gitDir, mergeBase!, t2, 100)).Select(c => c.Oid));
        Assert.Equal([t1], (await reader.GetRangeAsync(gitDir, mergeBase!, t2, 1)).Select(c => c.Oid));
        Assert.Empty(await reader.GetRangeAsync(gitDir, t2, t2, 100));
    }
}
