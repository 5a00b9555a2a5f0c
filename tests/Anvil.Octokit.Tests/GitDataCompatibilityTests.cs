using System.Text;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Commit statuses and the git data API (blobs, trees, commits, refs, annotated tags) as Octokit drives them.</summary>
public abstract class GitDataCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Commit_statuses_round_trip_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("statused") { AutoInit = true });
        var sha = (await github.Repository.Branch.Get(owner.Username, "statused", "main")).Commit.Sha;

        var created = await github.Repository.Status.Create(owner.Username, "statused", sha, new NewCommitStatus
        {
            State = CommitState.Pending, Context = "ci/build", Description = "running", TargetUrl = "https://ci.example.com/1",
        });
        Assert.Equal(CommitState.Pending, created.State.Value);
        Assert.Equal("ci/build", created.Context);
        Assert.Equal(owner.Username, created.Creator.Login);
        await github.Repository.Status.Create(owner.Username, "statused", sha, new NewCommitStatus { State = CommitState.Success, Context = "ci/build" });
        await github.Repository.Status.Create(owner.Username, "statused", sha, new NewCommitStatus { State = CommitState.Failure, Context = "ci/lint" });

        var all = await github.Repository.Status.GetAll(owner.Username, "statused", "main");
        Assert.Equal(3, all.Count);
        Assert.Equal(CommitState.Failure, all[0].State.Value); // newest first
        var combined = await github.Repository.Status.GetCombined(owner.Username, "statused", "main");
        Assert.Equal(CommitState.Failure, combined.State.Value);
        Assert.Equal(2, combined.TotalCount);
        Assert.Equal(sha, combined.Sha);
        Assert.Equal("statused", combined.Repository.Name);

        await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Repository.Status.Create(owner.Username, "statused", new string('a', 40), new NewCommitStatus { State = CommitState.Success }));
        await Assert.ThrowsAsync<NotFoundException>(() => github.Repository.Status.GetCombined(owner.Username, "statused", "no-such-branch"));
    }

    [Fact]
    public async Task A_commit_is_built_and_published_with_Octokit_git_data_calls()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "plumbing";
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });
        var main = await github.Git.Reference.Get(owner.Username, repo, "heads/main");
        Assert.Equal("refs/heads/main", main.Ref);
        var parent = await github.Git.Commit.Get(owner.Username, repo, main.Object.Sha);

        var blob = await github.Git.Blob.Create(owner.Username, repo, new NewBlob
        {
            Content = Convert.ToBase64String(Encoding.UTF8.GetBytes("binary-ish\0data")), Encoding = EncodingType.Base64,
        });
        var readBack = await github.Git.Blob.Get(owner.Username, repo, blob.Sha);
        Assert.Equal(EncodingType.Base64, readBack.Encoding.Value);
        Assert.Equal("binary-ish\0data", Encoding.UTF8.GetString(Convert.FromBase64String(readBack.Content)));

        var newTree = new NewTree { BaseTree = parent.Tree.Sha };
        newTree.Tree.Add(new NewTreeItem { Path = "data/blob.bin", Mode = "100644", Type = TreeType.Blob, Sha = blob.Sha });
        newTree.Tree.Add(new NewTreeItem { Path = "notes.txt", Mode = "100644", Type = TreeType.Blob, Content = "notes\n" });
        var tree = await github.Git.Tree.Create(owner.Username, repo, newTree);
        Assert.Equal(["README.md", "data", "notes.txt"], tree.Tree.Select(t => t.Path).Order(StringComparer.Ordinal));
        var recursive = await github.Git.Tree.GetRecursive(owner.Username, repo, tree.Sha);
        Assert.Contains(recursive.Tree, t => t.Path == "data/blob.bin" && t.Sha == blob.Sha && t.Type.Value == TreeType.Blob);
        Assert.False(recursive.Truncated);

        var commit = await github.Git.Commit.Create(owner.Username, repo, new NewCommit("Plumbing", tree.Sha, parent.Sha)
        {
            Author = new Committer("Ada", "ada@example.com", new DateTimeOffset(2022, 3, 4, 5, 6, 7, TimeSpan.Zero)),
        });
        Assert.Equal("Ada", commit.Author.Name);
        Assert.Equal(new DateTimeOffset(2022, 3, 4, 5, 6, 7, TimeSpan.Zero), commit.Author.Date);
        Assert.Equal(parent.Sha, commit.Parents.Single().Sha);

        var branch = await github.Git.Reference.Create(owner.Username, repo, new NewReference("refs/heads/plumbed", commit.Sha));
        Assert.Equal(commit.Sha, branch.Object.Sha);
        Assert.Equal(commit.Sha, (await github.Repository.Branch.Get(owner.Username, repo, "plumbed")).Commit.Sha);
        var refs = await github.Git.Reference.GetAll(owner.Username, repo);
        Assert.Equal(["refs/heads/main", "refs/heads/plumbed"], refs.Select(r => r.Ref));
        Assert.Equal(2, (await github.Git.Reference.GetAllForSubNamespace(owner.Username, repo, "heads")).Count);

        // Back to main's commit is not a fast forward: refused unless forced.
        await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Git.Reference.Update(owner.Username, repo, "heads/plumbed", new ReferenceUpdate(parent.Sha)));
        var forced = await github.Git.Reference.Update(owner.Username, repo, "heads/plumbed", new ReferenceUpdate(parent.Sha, true));
        Assert.Equal(parent.Sha, forced.Object.Sha);

        var tag = await github.Git.Tag.Create(owner.Username, repo, new NewTag
        {
            Tag = "v1", Message = "Version 1", Object = commit.Sha, Type = TaggedType.Commit,
            Tagger = new Committer("Ada", "ada@example.com", DateTimeOffset.UtcNow),
        });
        Assert.Equal("v1", tag.Tag);
        var gotTag = await github.Git.Tag.Get(owner.Username, repo, tag.Sha);
        Assert.Equal(commit.Sha, gotTag.Object.Sha);
        Assert.Equal(TaggedType.Commit, gotTag.Object.Type.Value);
        await github.Git.Reference.Create(owner.Username, repo, new NewReference("refs/tags/v1", tag.Sha));

        await github.Git.Reference.Delete(owner.Username, repo, "heads/plumbed");
        await Assert.ThrowsAsync<NotFoundException>(() => github.Git.Reference.Get(owner.Username, repo, "heads/plumbed"));
        await Assert.ThrowsAsync<NotFoundException>(() => github.Git.Blob.Get(owner.Username, repo, new string('c', 40)));
    }
}

public sealed class GitDataCompatibilityOnSqlite(OctokitSqliteServer s) : GitDataCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class GitDataCompatibilityOnPostgres(OctokitPostgresServer s) : GitDataCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
