using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

public class RefTests : ReaderTestBase
{
    [Fact]
    public async Task Lists_branches_tags_and_default_branch()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        repo.Git("tag", "light");
        repo.Git("tag", "-a", "-m", "annotated", "v1.0");
        repo.Git("branch", "feature/x");
        var second = repo.Write("a", "2").Commit("two");
        var tree = repo.Git("rev-parse", "HEAD^{tree}");
        repo.Git("tag", "tree-tag", tree);

        var branches = await Reader.ListBranchesAsync(repo.GitDir);
        Assert.Equal([new GitBranch("feature/x", first), new GitBranch("main", second)], branches);

        var tags = (await Reader.ListTagsAsync(repo.GitDir)).ToDictionary(t => t.Name);
        Assert.Equal(new GitTag("light", first, first, false), tags["light"]);
        Assert.True(tags["v1.0"].IsAnnotated);
        Assert.Equal(first, tags["v1.0"].CommitOid);
        Assert.NotEqual(first, tags["v1.0"].TargetOid);
        Assert.Null(tags["tree-tag"].CommitOid);

        // Both from one process: the same lists as asking for each.
        var both = await Reader.ListBranchesAndTagsAsync(repo.GitDir);
        Assert.Equal(branches, both.Branches);
        Assert.Equal(tags.Values.OrderBy(t => t.Name, StringComparer.Ordinal), both.Tags);

        Assert.Equal("main", await Reader.GetDefaultBranchAsync(repo.GitDir));
    }

    [Fact]
    public async Task Resolves_branches_tags_full_refs_and_oids()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        repo.Git("tag", "-a", "-m", "annotated", "v1.0");
        repo.Git("branch", "feature/x");
        var second = repo.Write("a", "2").Commit("two");

        Assert.Equal(second, await Reader.ResolveAsync(repo.GitDir, "main"));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "feature/x"));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "v1.0"));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "refs/tags/v1.0"));
        Assert.Equal(second, await Reader.ResolveAsync(repo.GitDir, "refs/heads/main"));
        Assert.Equal(second, await Reader.ResolveAsync(repo.GitDir, "HEAD"));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, first));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, first.ToUpperInvariant()));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, first[..8]));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "nope"));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "deadbeef"));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, new string('0', 40)));
        // A tree oid is not a commit.
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, repo.Git("rev-parse", "HEAD^{tree}")));
    }

    [Fact]
    public async Task Branches_win_over_tags_of_the_same_name()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        repo.Git("tag", "same");
        var second = repo.Write("a", "2").Commit("two");
        repo.Git("branch", "same");

        Assert.Equal(second, await Reader.ResolveAsync(repo.GitDir, "same"));
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "refs/tags/same"));
    }

    [Fact]
    public async Task Sees_refs_created_and_moved_after_the_pooled_process_started()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "main"));

        var second = repo.Write("a", "2").Commit("two");
        repo.Git("branch", "later");
        repo.Git("pack-refs", "--all");
        var third = repo.Write("a", "3").Commit("three");

        Assert.Equal(third, await Reader.ResolveAsync(repo.GitDir, "main"));
        Assert.Equal(second, await Reader.ResolveAsync(repo.GitDir, "later"));
        Assert.Equal(1, Pool.GetStatistics().ProcessesStarted);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("--output=/tmp/x")]
    [InlineData("main..other")]
    [InlineData("main~1")]
    [InlineData("main^")]
    [InlineData("main^{tree}")]
    [InlineData(":/message")]
    [InlineData("HEAD:path")]
    [InlineData("@{-1}")]
    [InlineData("main@{yesterday}")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("a\u0001b")]
    [InlineData("")]
    [InlineData("/main")]
    [InlineData("main/")]
    [InlineData("main.lock")]
    [InlineData("refs/heads/.hidden")]
    [InlineData("a\\b")]
    [InlineData("ma*n")]
    public async Task Refuses_input_that_is_not_a_plain_name(string input)
    {
        var repo = NewRepo();
        repo.Write("a", "1").Commit("one");
        await Assert.ThrowsAsync<GitRevisionException>(() => Reader.ResolveAsync(repo.GitDir, input));
    }

    [Fact]
    public async Task Refuses_overlong_input()
    {
        var repo = NewRepo();
        await Assert.ThrowsAsync<GitRevisionException>(() => Reader.ResolveAsync(repo.GitDir, new string('a', 256)));
    }

    [Fact]
    public async Task Empty_repository_has_no_branches_and_resolves_nothing()
    {
        var repo = NewRepo();

        Assert.Empty(await Reader.ListBranchesAsync(repo.GitDir));
        Assert.Empty(await Reader.ListTagsAsync(repo.GitDir));
        Assert.Equal("main", await Reader.GetDefaultBranchAsync(repo.GitDir));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "main"));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "HEAD"));
    }
}
