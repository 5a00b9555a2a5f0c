using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Pull requests through Octokit: open, read, list, edit, merge — checked against the repository with git.</summary>
public abstract class PullRequestCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Create_get_list_update_and_merge_a_pull_request()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("pulls"));
        using var git = new GitClient();
        var work = git.Path("pulls");
        var url = GitClient.Url(server, owner.Username, "pulls", owner.Username, owner.Password);
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        var baseOid = await git.CommitFileAsync(work, "README.md", "# pulls\n", "Add readme");
        await git.OkAsync(work, "checkout", "-q", "-b", "feature");
        var headOid = await git.CommitFileAsync(work, "feature.txt", "new\n", "Add feature");
        await git.OkAsync(work, "push", "-q", url, "main", "feature");

        var opened = await github.PullRequest.Create(owner.Username, "pulls", new NewPullRequest("Add the feature", "feature", "main") { Body = "Please" });
        Assert.Equal("Add the feature", opened.Title);
        Assert.Equal("Please", opened.Body);
        Assert.Equal(ItemState.Open, opened.State.Value);
        Assert.Equal("feature", opened.Head.Ref);
        Assert.Equal(headOid, opened.Head.Sha);
        Assert.Equal("main", opened.Base.Ref);
        Assert.Equal(baseOid, opened.Base.Sha);
        Assert.Equal(owner.Username, opened.User.Login);
        Assert.False(opened.Merged);
        Assert.False(opened.Draft);

        // Mergeability and the commit/file counts are computed in the background, as on GitHub: poll for them.
        var fetched = await github.PullRequest.Get(owner.Username, "pulls", opened.Number);
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); fetched.Mergeable is null && clock.Elapsed < TimeSpan.FromSeconds(30);)
        {
            await Task.Delay(50);
            fetched = await github.PullRequest.Get(owner.Username, "pulls", opened.Number);
        }
        Assert.True(fetched.Mergeable);
        Assert.Equal(opened.Id, fetched.Id);
        Assert.Equal(opened.Number, fetched.Number);
        Assert.Equal(1, fetched.Commits);
        Assert.Equal(1, fetched.ChangedFiles);

        var listed = await github.PullRequest.GetAllForRepository(owner.Username, "pulls");
        Assert.Equal([opened.Number], listed.Select(p => p.Number));
        var files = await github.PullRequest.Files(owner.Username, "pulls", opened.Number);
        Assert.Equal("feature.txt", Assert.Single(files).FileName);
        var commits = await github.PullRequest.Commits(owner.Username, "pulls", opened.Number);
        Assert.Equal([headOid], commits.Select(c => c.Sha));

        var edited = await github.PullRequest.Update(owner.Username, "pulls", opened.Number, new PullRequestUpdate { Title = "Add the feature, tested" });
        Assert.Equal("Add the feature, tested", edited.Title);

        var merge = await github.PullRequest.Merge(owner.Username, "pulls", opened.Number,
            new MergePullRequest { MergeMethod = PullRequestMergeMethod.Merge, Sha = headOid, CommitTitle = "Merge the feature" });
        Assert.True(merge.Merged);
        Assert.Equal(merge.Sha, (await git.OkAsync(null, "ls-remote", url, "refs/heads/main")).Split('\t')[0]);
        Assert.True(await github.PullRequest.Merged(owner.Username, "pulls", opened.Number));

        var merged = await github.PullRequest.Get(owner.Username, "pulls", opened.Number);
        Assert.True(merged.Merged);
        Assert.Equal(ItemState.Closed, merged.State.Value);
        Assert.Equal(merge.Sha, merged.MergeCommitSha);
        Assert.Equal(owner.Username, merged.MergedBy.Login);
        Assert.NotNull(merged.MergedAt);
        Assert.Empty(await github.PullRequest.GetAllForRepository(owner.Username, "pulls"));
        var closed = await github.PullRequest.GetAllForRepository(owner.Username, "pulls", new PullRequestRequest { State = ItemStateFilter.Closed });
        Assert.Equal([opened.Number], closed.Select(p => p.Number));
    }

    [Fact]
    public async Task A_stale_head_sha_is_refused_and_nothing_merges()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("stale"));
        using var git = new GitClient();
        var work = git.Path("stale");
        var url = GitClient.Url(server, owner.Username, "stale", owner.Username, owner.Password);
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        var baseOid = await git.CommitFileAsync(work, "README.md", "# stale\n", "Add readme");
        await git.OkAsync(work, "checkout", "-q", "-b", "topic");
        var first = await git.CommitFileAsync(work, "a.txt", "a\n", "Add a");
        await git.OkAsync(work, "push", "-q", url, "main", "topic");
        var pr = await github.PullRequest.Create(owner.Username, "stale", new NewPullRequest("Topic", "topic", "main"));
        await git.CommitFileAsync(work, "b.txt", "b\n", "Add b");
        await git.OkAsync(work, "push", "-q", url, "topic");

        var refused = await Assert.ThrowsAsync<PullRequestMismatchException>(() =>
            github.PullRequest.Merge(owner.Username, "stale", pr.Number, new MergePullRequest { Sha = first }));
        Assert.False(string.IsNullOrEmpty(refused.Message));
        Assert.Equal(baseOid, (await git.OkAsync(null, "ls-remote", url, "refs/heads/main")).Split('\t')[0]);
        Assert.False(await github.PullRequest.Merged(owner.Username, "stale", pr.Number));
    }
}

public sealed class PullRequestCompatibilityOnSqlite(OctokitSqliteServer s) : PullRequestCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class PullRequestCompatibilityOnPostgres(OctokitPostgresServer s) : PullRequestCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
