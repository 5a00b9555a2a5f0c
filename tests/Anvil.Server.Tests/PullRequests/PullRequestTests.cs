using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.PullRequests;

public abstract partial class PullRequestTests(PullsServer server)
{
    /// <summary>main: README + base.txt (added after feature branched); feature: two commits adding feature.txt.</summary>
    private static async Task<(PullRepo Repo, string MainBefore, string[] FeatureCommits)> DivergedAsync(AnvilServer server)
    {
        var repo = await PullRepo.CreateAsync(server);
        var mainBefore = await repo.GitAsync("rev-parse", "HEAD");
        var f1 = await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main", message: "feature: first");
        var f2 = await repo.CommitAsync("feature", "feature.txt", "one\ntwo\n", message: "feature: second");
        await repo.PushAsync("feature");
        await repo.CommitAsync("main", "base.txt", "base change\n");
        await repo.PushAsync("main");
        return (repo, mainBefore, [f1, f2]);
    }

    [Fact]
    public async Task Pull_request_shares_the_issue_numbers_and_shows_merge_base_to_head()
    {
        var (repo, mainBefore, feature) = await DivergedAsync(server);
        using var _ = repo;
        var issue = await new TestRepo(repo.Owner, repo.Name).CreateIssueAsync();
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Add feature", body = "Please", headBranch = "feature", baseBranch = "main" });
        Assert.Equal(issue.Int("number") + 1, pr.Number());
        Assert.Equal("open", pr.Str("state"));
        Assert.Equal("feature", pr.Str("headBranch"));
        Assert.Equal(feature[1], pr.Str("headOid"));
        Assert.Equal("main", pr.Str("baseBranch"));
        Assert.Equal(mainBefore, pr.Str("mergeBaseOid"));
        Assert.False(pr["merged"]!.GetValue<bool>());
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", pr.Str("headRepo.fullName"));

        using var c = repo.Owner.Client();
        // The diff is merge-base…head: base.txt (main's later change) is not part of it.
        var diff = await (await c.GetAsync($"{repo.Pulls}/{pr.Number()}/diff")).JsonAsync();
        Assert.Equal(["feature.txt"], diff["files"]!.AsArray().Select(f => f!.Str("path")));
        Assert.Equal(mainBefore, diff.Str("baseOid"));
        Assert.Equal(2, diff["stats"]!["additions"]!.GetValue<int>());
        var commits = await (await c.GetAsync($"{repo.Pulls}/{pr.Number()}/commits")).JsonAsync();
        Assert.Equal(feature, commits["commits"]!.AsArray().Select(x => x!.Str("oid")));

        var ready = await repo.MergeableAsync(pr.Number(), true);
        Assert.Equal(2, ready["commits"]!.GetValue<int>());
        Assert.Equal(1, ready["changedFiles"]!.GetValue<int>());

        // The issue routes know it too, as on GitHub.
        var asIssue = await (await c.GetAsync($"{repo.V1}/issues/{pr.Number()}")).JsonAsync();
        Assert.NotNull(asIssue["pull_request"]);
        // The head is kept in the base repository like GitHub's refs/pull/N/head.
        var lsRemote = await repo.GitAsync("ls-remote", "origin", $"refs/pull/{pr.Number()}/head");
        Assert.StartsWith(feature[1], lsRemote);

        // v1 files and commits.
        var files = await (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}/files")).JsonAsync();
        Assert.Equal("feature.txt", Assert.Single(files.AsArray())!.Str("filename"));
        var v1Commits = await (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}/commits")).JsonAsync();
        Assert.Equal(feature, v1Commits.AsArray().Select(x => x!.Str("sha")));
    }

    [Fact]
    public async Task Listing_filters_by_state_and_pages()
    {
        var (repo, _, _) = await DivergedAsync(server);
        using var _r = repo;
        await repo.CommitAsync("other", "other.txt", "x\n", from: "main");
        await repo.PushAsync("other");
        var a = await repo.CreatePullAsync(repo.Owner, new { title = "A", headBranch = "feature", baseBranch = "main" });
        var b = await repo.CreatePullAsync(repo.Owner, new { title = "B", headBranch = "other", baseBranch = "main" });
        using var c = repo.Owner.Client();
        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{b.Number()}", new { state = "closed" })).JsonAsync();

        async Task<List<int>> Numbers(string query)
        {
            var list = await (await c.GetAsync($"{repo.Pulls}?{query}")).JsonAsync();
            return list["pullRequests"]!.AsArray().Select(p => p!.Number()).ToList();
        }
        Assert.Equal([a.Number()], await Numbers("state=open"));
        Assert.Equal([b.Number()], await Numbers("state=closed"));
        Assert.Equal([b.Number(), a.Number()], await Numbers("state=all"));
        Assert.Equal([], await Numbers("state=merged"));
        var page = await (await c.GetAsync($"{repo.Pulls}?state=all&limit=1")).JsonAsync();
        Assert.True(page["hasMore"]!.GetValue<bool>());
        Assert.Equal([a.Number()], await Numbers("state=all&limit=1&offset=1"));
        await (await c.GetAsync($"{repo.Pulls}?state=bogus")).ErrorAsync(HttpStatusCode.BadRequest);

        var v1 = await c.GetAsync($"{repo.V1}/pulls?state=all&per_page=1");
        var v1List = await v1.JsonAsync();
        Assert.Single(v1List.AsArray());
        Assert.Contains("rel=\"next\"", v1.Headers.GetValues("Link").Single());
        Assert.Equal("closed", (await (await c.GetAsync($"{repo.V1}/pulls/{b.Number()}")).JsonAsync()).Str("state"));

        // Creating a second open pull request for the same branches is refused; so is one with nothing to merge.
        await (await c.PostAsJsonAsync(repo.Pulls, new { title = "dup", headBranch = "feature", baseBranch = "main" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync($"{repo.V1}/pulls", new { title = "dup", head = "feature", @base = "main" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.V1}/pulls", new { title = "same", head = "main", @base = "main" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.V1}/pulls", new { title = "none", head = "nope", @base = "main" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(repo.Pulls, new { headBranch = "feature" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{repo.Pulls}/999")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Merge_commit_keeps_both_sides_and_has_two_parents()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Add feature", headBranch = "feature", baseBranch = "main" });
        var baseBefore = await repo.RemoteAsync("main");
        var expectedTree = await repo.GitAsync("merge-tree", "--write-tree", baseBefore, feature[1]);
        await repo.MergeableAsync(pr.Number(), true);
        using var c = repo.Owner.Client();
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        Assert.True(merged["merged"]!.GetValue<bool>());
        var mergeCommit = merged.Str("mergeCommitOid");

        Assert.Equal(mergeCommit, await repo.RemoteAsync("main"));
        Assert.Equal($"{baseBefore} {feature[1]}", await repo.GitAsync("log", "-1", "--format=%P", mergeCommit));
        Assert.Equal(expectedTree, await repo.GitAsync("rev-parse", mergeCommit + "^{tree}"));
        Assert.Equal("base change\n", await repo.GitAsync("show", mergeCommit + ":base.txt") + "\n");
        Assert.Equal("one\ntwo", await repo.GitAsync("show", mergeCommit + ":feature.txt"));
        Assert.StartsWith($"Merge pull request #{pr.Number()}", await repo.GitAsync("log", "-1", "--format=%s", mergeCommit));

        var after = await repo.PullAsync(pr.Number());
        Assert.Equal("merged", after.Str("state"));
        Assert.True(after["merged"]!.GetValue<bool>());
        Assert.NotNull(after["mergedAt"]);
        Assert.Equal(repo.Owner.Username, after.Str("mergedBy.username"));
        Assert.Equal(mergeCommit, after.Str("mergeCommitOid"));
        // Merged pull requests still show what they brought.
        var diff = await (await c.GetAsync($"{repo.Pulls}/{pr.Number()}/diff")).JsonAsync();
        Assert.Equal(["feature.txt"], diff["files"]!.AsArray().Select(f => f!.Str("path")));

        Assert.Equal(HttpStatusCode.NoContent, (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}/merge")).StatusCode);
        var v1 = await (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}")).JsonAsync();
        Assert.Equal("closed", v1.Str("state"));
        Assert.True(v1["merged"]!.GetValue<bool>());
        Assert.Equal(mergeCommit, v1.Str("merge_commit_sha"));
        Assert.Equal(repo.Owner.Username, v1.Str("merged_by.login"));
        // Merging twice, or reopening a merged pull request, is refused.
        await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).ErrorAsync(HttpStatusCode.MethodNotAllowed);
        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{pr.Number()}", new { state = "open" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal([pr.Number()], (await (await c.GetAsync($"{repo.Pulls}?state=merged")).JsonAsync())["pullRequests"]!.AsArray().Select(p => p!.Number()));
    }

    [Fact]
    public async Task Squash_makes_one_commit_with_the_merged_tree()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Squash me", headBranch = "feature", baseBranch = "main" });
        var baseBefore = await repo.RemoteAsync("main");
        var expectedTree = await repo.GitAsync("merge-tree", "--write-tree", baseBefore, feature[1]);
        using var c = repo.Owner.Client();
        var res = await (await c.PutAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}/merge",
            new { merge_method = "squash", commit_title = "Squashed title", commit_message = "body text", sha = feature[1] })).JsonAsync();
        Assert.True(res["merged"]!.GetValue<bool>());
        Assert.Equal("Pull Request successfully merged", res.Str("message"));
        var sha = res.Str("sha");
        Assert.Equal(sha, await repo.RemoteAsync("main"));
        Assert.Equal(baseBefore, await repo.GitAsync("log", "-1", "--format=%P", sha));
        Assert.Equal(expectedTree, await repo.GitAsync("rev-parse", sha + "^{tree}"));
        Assert.Equal("Squashed title\n\nbody text", await repo.GitAsync("log", "-1", "--format=%B", sha));
    }

    [Fact]
    public async Task Rebase_replays_every_commit_linearly_with_the_same_patches()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var third = await repo.CommitAsync("feature", "more.txt", "three\n", message: "feature: third");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Rebase me", headBranch = "feature", baseBranch = "main" });
        var baseBefore = await repo.RemoteAsync("main");
        using var c = repo.Owner.Client();
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "rebase" })).JsonAsync();
        var tip = merged.Str("mergeCommitOid");
        Assert.Equal(tip, await repo.RemoteAsync("main"));

        var originals = new[] { feature[0], feature[1], third };
        var rebased = (await repo.GitAsync("rev-list", "--reverse", $"{baseBefore}..{tip}")).Split('\n');
        Assert.Equal(3, rebased.Length);
        Assert.Equal(baseBefore, await repo.GitAsync("log", "-1", "--format=%P", rebased[0]));
        for (var i = 0; i < 3; i++)
        {
            Assert.Single((await repo.GitAsync("log", "-1", "--format=%P", rebased[i])).Split(' '));
            Assert.Equal(await repo.GitAsync("show", "--format=%an <%ae> %at%n%B", originals[i]), await repo.GitAsync("show", "--format=%an <%ae> %at%n%B", rebased[i]));
            Assert.NotEqual(originals[i], rebased[i]);
        }
        Assert.Equal("base change", await repo.GitAsync("show", tip + ":base.txt"));
    }

    [Fact]
    public async Task Conflicts_are_reported_refused_and_recomputed_when_either_side_moves()
    {
        var repo = await PullRepo.CreateAsync(server);
        using var _r = repo;
        await repo.CommitAsync("feature", "README.md", "feature's readme\n", from: "main");
        await repo.PushAsync("feature");
        await repo.CommitAsync("main", "README.md", "main's readme\n");
        await repo.PushAsync("main");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Conflicting", headBranch = "feature", baseBranch = "main" });
        var conflicted = await repo.MergeableAsync(pr.Number(), false);
        Assert.Equal(["README.md"], conflicted["conflictingPaths"]!.StringList());
        var v1 = await (await repo.Owner.Client().GetAsync($"{repo.V1}/pulls/{pr.Number()}")).JsonAsync();
        Assert.Equal("dirty", v1.Str("mergeable_state"));

        using var c = repo.Owner.Client();
        var baseBefore = await repo.RemoteAsync("main");
        foreach (var strategy in new[] { "merge", "squash", "rebase" })
        {
            var error = await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = strategy })).ErrorAsync(HttpStatusCode.Conflict);
            Assert.Contains("README.md", error);
        }
        // v1 answers as GitHub does: 405, "Pull Request is not mergeable".
        var refused = await (await c.PutAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}/merge", new { merge_method = "merge" })).ErrorBodyAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal("Pull Request is not mergeable", refused.Str("message"));
        Assert.Contains("README.md", refused.Str("error"));
        Assert.Equal(baseBefore, await repo.RemoteAsync("main"));
        Assert.Equal("open", (await repo.PullAsync(pr.Number())).Str("state"));

        // The head resolves the conflict by merging main: mergeable again, with the new head.
        await repo.GitAsync("checkout", "-q", "feature");
        await repo.Git.RunAsync(repo.Dir, "merge", "-q", "main");
        await File.WriteAllTextAsync(Path.Combine(repo.Dir, "README.md"), "resolved\n");
        await repo.GitAsync("commit", "-q", "-am", "resolve");
        var resolvedHead = await repo.GitAsync("rev-parse", "HEAD");
        await repo.PushAsync("feature");
        var resolved = await repo.PullWhenAsync(pr.Number(), p => p.Str("headOid") == resolvedHead && p["mergeable"] is JsonValue v && v.GetValue<bool>(), "resolved");
        Assert.Empty(resolved["conflictingPaths"]!.AsArray());

        // The base moves into a new conflict: not mergeable again.
        await repo.CommitAsync("main", "README.md", "main moves on\n");
        await repo.PushAsync("main");
        var again = await repo.MergeableAsync(pr.Number(), false);
        Assert.Equal(["README.md"], again["conflictingPaths"]!.StringList());
    }

    [Fact]
    public async Task Stale_sha_draft_and_closed_pull_requests_are_refused_and_the_base_is_untouched()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Careful", headBranch = "feature", baseBranch = "main", isDraft = true });
        Assert.True(pr["isDraft"]!.GetValue<bool>());
        var baseBefore = await repo.RemoteAsync("main");
        using var c = repo.Owner.Client();
        var url = $"{repo.Pulls}/{pr.Number()}/merge";
        await (await c.PostAsJsonAsync(url, new { mergeStrategy = "merge" })).ErrorAsync(HttpStatusCode.MethodNotAllowed);
        var v1Draft = await (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}")).JsonAsync();
        Assert.True(v1Draft["draft"]!.GetValue<bool>());
        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{pr.Number()}", new { isDraft = false })).JsonAsync();

        await (await c.PostAsJsonAsync(url, new { mergeStrategy = "merge", sha = feature[0] })).ErrorAsync(HttpStatusCode.Conflict);
        var stale = await (await c.PutAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}/merge", new { sha = feature[0] })).ErrorBodyAsync(HttpStatusCode.Conflict);
        Assert.Equal("Head branch was modified. Review and try the merge again.", stale.Str("message"));
        await (await c.PostAsJsonAsync(url, new { mergeStrategy = "octopus" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PutAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}/merge", new { merge_method = "octopus" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.SendRawAsync(HttpMethod.Post, url, "{not json")).ErrorAsync(HttpStatusCode.BadRequest);

        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{pr.Number()}", new { state = "closed" })).JsonAsync();
        await (await c.PostAsJsonAsync(url, new { mergeStrategy = "merge" })).ErrorAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}/merge")).StatusCode);
        Assert.Equal(baseBefore, await repo.RemoteAsync("main"));

        // Reopened, it merges with the right sha.
        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{pr.Number()}", new { state = "open" })).JsonAsync();
        var ok = await (await c.PostAsJsonAsync(url, new { mergeStrategy = "merge", sha = feature[1] })).JsonAsync();
        Assert.Equal(ok.Str("mergeCommitOid"), await repo.RemoteAsync("main"));
    }

    [Fact]
    public async Task Pushing_to_the_head_updates_it_and_deleting_the_head_closes_nothing()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Moving", headBranch = "feature", baseBranch = "main" });
        await repo.MergeableAsync(pr.Number(), true);
        var newHead = await repo.CommitAsync("feature", "later.txt", "later\n");
        await repo.PushAsync("feature");
        // The push handler updates the head before the push request returns; mergeability follows in the background.
        var moved = await repo.PullAsync(pr.Number());
        Assert.Equal(newHead, moved.Str("headOid"));
        using var c = repo.Owner.Client();
        var diff = await (await c.GetAsync($"{repo.Pulls}/{pr.Number()}/diff")).JsonAsync();
        Assert.Equal(["feature.txt", "later.txt"], diff["files"]!.AsArray().Select(f => f!.Str("path")).Order());
        await repo.PullWhenAsync(pr.Number(), p => p["commits"]!.GetValue<int>() == 3 && p["mergeable"] is JsonValue, "3 commits");

        await repo.GitAsync("push", "-q", "origin", "--delete", "feature");
        var gone = await repo.PullWhenAsync(pr.Number(), p => p["headBranchDeleted"]!.GetValue<bool>() && p["mergeable"] is JsonValue, "head deleted");
        Assert.Equal("open", gone.Str("state"));
        Assert.False(gone["mergeable"]!.GetValue<bool>());
        Assert.Equal(newHead, gone.Str("headOid"));
        await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).ErrorAsync(HttpStatusCode.MethodNotAllowed);
        // What it showed is still there.
        var stillDiff = await (await c.GetAsync($"{repo.Pulls}/{pr.Number()}/diff")).JsonAsync();
        Assert.Equal(2, stillDiff["files"]!.AsArray().Count);

        // Pushed again, the pull request follows it.
        await repo.GitAsync("push", "-q", "origin", "feature");
        await repo.PullWhenAsync(pr.Number(), p => !p["headBranchDeleted"]!.GetValue<bool>() && p["mergeable"] is JsonValue v && v.GetValue<bool>(), "head back");
    }
}

public sealed class PullRequestTestsOnSqlite(PullsSqliteServer s) : PullRequestTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestTestsOnPostgres(PullsPostgresServer s) : PullRequestTests(s), IClassFixture<PullsPostgresServer>;
