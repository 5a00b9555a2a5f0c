using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.PullRequests;

public abstract class PullRequestTests(PullsServer server)
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

    [Fact]
    public async Task Fork_pull_request_follows_the_fork_and_merges_into_the_parent()
    {
        var parent = await PullRepo.CreateAsync(server);
        using var _p = parent;
        var contributor = await server.SignUpAsync();
        using var fork = await parent.ForkAsync(contributor);
        var c1 = await fork.CommitAsync("fix", "fix.txt", "fixed\n", from: "main");
        await fork.PushAsync("fix");
        await parent.CommitAsync("main", "parent.txt", "parent moved\n");
        await parent.PushAsync("main");

        var pr = await parent.CreatePullAsync(contributor, new
        {
            title = "Fix from fork", headBranch = "fix", baseBranch = "main", headRepoOwner = contributor.Username, headRepoName = fork.Name,
        });
        Assert.Equal(c1, pr.Str("headOid"));
        Assert.Equal($"{contributor.Username}/{fork.Name}", pr.Str("headRepo.fullName"));
        await parent.MergeableAsync(pr.Number(), true);

        using var owner = parent.Owner.Client();
        var v1 = await (await owner.GetAsync($"{parent.V1}/pulls/{pr.Number()}")).JsonAsync();
        Assert.Equal($"{contributor.Username}:fix", v1.Str("head.label"));
        Assert.Equal($"{contributor.Username}/{fork.Name}", v1.Str("head.repo.full_name"));
        Assert.Equal($"{parent.Owner.Username}/{parent.Name}", v1.Str("base.repo.full_name"));

        // A push to the fork moves the pull request's head.
        var c2 = await fork.CommitAsync("fix", "fix.txt", "fixed better\n");
        await fork.PushAsync("fix");
        Assert.Equal(c2, (await parent.PullAsync(pr.Number())).Str("headOid"));
        var diff = await (await owner.GetAsync($"{parent.Pulls}/{pr.Number()}/diff")).JsonAsync();
        Assert.Equal(["fix.txt"], diff["files"]!.AsArray().Select(f => f!.Str("path")));

        // The contributor cannot merge into the parent; its owner can.
        using (var cc = contributor.Client())
        {
            await (await cc.PostAsJsonAsync($"{parent.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        await parent.MergeableAsync(pr.Number(), true);
        var merged = await (await owner.PostAsJsonAsync($"{parent.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        var main = await parent.RemoteAsync("main");
        Assert.Equal(merged.Str("mergeCommitOid"), main);
        Assert.True((await parent.Git.RunAsync(parent.Dir, "merge-base", "--is-ancestor", c2, main)).Success);

        // v1 create from a fork with GitHub's "owner:branch".
        await fork.CommitAsync("fix2", "fix2.txt", "two\n", from: "main");
        await fork.PushAsync("fix2");
        using var cc2 = contributor.Client();
        var created = await (await cc2.PostAsJsonAsync($"{parent.V1}/pulls", new
        {
            title = "Second", head = $"{contributor.Username}:fix2", head_repo = fork.Name, @base = "main",
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("fix2", created.Str("head.ref"));
    }

    [Fact]
    public async Task Concurrent_merges_into_one_base_never_lose_commits()
    {
        var repo = await PullRepo.CreateAsync(server);
        using var _r = repo;
        var heads = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            heads.Add(await repo.CommitAsync($"b{i}", $"f{i}.txt", $"{i}\n", from: "main"));
            await repo.PushAsync($"b{i}");
        }
        var prs = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            prs.Add((await repo.CreatePullAsync(repo.Owner, new { title = $"PR {i}", headBranch = $"b{i}", baseBranch = "main" })).Number());
        }
        // Someone pushes to main while the merges run.
        var pushed = repo.CommitAsync("main", "pushed.txt", "pushed\n");
        using var c = repo.Owner.Client();
        var merges = prs.Select(n => c.PostAsJsonAsync($"{repo.Pulls}/{n}/merge", new { mergeStrategy = "merge" })).ToList();
        var pushedCommit = await pushed;
        var push = await repo.Git.RunAsync(repo.Dir, "push", "-q", "origin", "main");
        var results = await Task.WhenAll(merges);
        var main = await repo.RemoteAsync("main");
        for (var i = 0; i < 3; i++)
        {
            var reachable = (await repo.Git.RunAsync(repo.Dir, "merge-base", "--is-ancestor", heads[i], main)).Success;
            var pr = await repo.PullAsync(prs[i]);
            if (results[i].StatusCode == HttpStatusCode.OK)
            {
                Assert.True(reachable, $"PR {i} merged but its head is not in main");
                Assert.Equal("merged", pr.Str("state"));
            }
            else
            {
                await results[i].ErrorAsync(HttpStatusCode.Conflict);
                Assert.Equal("open", pr.Str("state"));
            }
        }
        Assert.Contains(results, r => r.StatusCode == HttpStatusCode.OK);
        if (push.Success)
        {
            Assert.True((await repo.Git.RunAsync(repo.Dir, "merge-base", "--is-ancestor", pushedCommit, main)).Success, "the push was accepted but lost");
        }
        // Whatever was refused merges on a retry.
        for (var i = 0; i < 3; i++)
        {
            if (results[i].StatusCode != HttpStatusCode.OK)
            {
                await (await c.PostAsJsonAsync($"{repo.Pulls}/{prs[i]}/merge", new { mergeStrategy = "merge" })).JsonAsync();
            }
        }
        main = await repo.RemoteAsync("main");
        foreach (var head in heads)
        {
            Assert.True((await repo.Git.RunAsync(repo.Dir, "merge-base", "--is-ancestor", head, main)).Success);
        }
    }

    [Fact]
    public async Task Permissions_follow_repository_access()
    {
        var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        using var _r = repo;
        await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Private", headBranch = "feature", baseBranch = "main" });
        var url = $"{repo.Pulls}/{pr.Number()}";
        var testRepo = new TestRepo(repo.Owner, repo.Name);
        var reader = await testRepo.AddCollaboratorAsync("pull");
        var writer = await testRepo.AddCollaboratorAsync("push");
        var stranger = await server.SignUpAsync();

        using var anon = server.Anonymous();
        await (await anon.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.PostAsJsonAsync($"{url}/merge", new { })).ErrorAsync(HttpStatusCode.Unauthorized);
        using (var s = stranger.Client())
        {
            await (await s.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
            await (await s.GetAsync($"{url}/diff")).ErrorAsync(HttpStatusCode.NotFound);
            await (await s.PostAsJsonAsync($"{url}/merge", new { })).ErrorAsync(HttpStatusCode.NotFound);
            await (await s.PostAsJsonAsync(repo.Pulls, new { title = "x", headBranch = "feature", baseBranch = "main" })).ErrorAsync(HttpStatusCode.NotFound);
        }
        using (var r = reader.Client())
        {
            await (await r.GetAsync(url)).JsonAsync();
            await (await r.PostAsJsonAsync($"{url}/merge", new { })).ErrorAsync(HttpStatusCode.Forbidden);
            await (await r.PatchAsJsonAsync(url, new { title = "hijack" })).ErrorAsync(HttpStatusCode.Forbidden);
            await (await r.PatchAsJsonAsync(url, new { @base = "feature" })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        var readToken = await writer.CreateTokenAsync("repo:read");
        using (var t = server.WithBearer(readToken))
        {
            var res = await t.PutAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}/merge", new { });
            await res.ErrorAsync(HttpStatusCode.Forbidden);
        }
        await repo.MergeableAsync(pr.Number(), true);
        using (var w = writer.Client())
        {
            await (await w.PostAsJsonAsync($"{url}/merge", new { mergeStrategy = "squash" })).JsonAsync();
        }
        Assert.Equal("merged", (await repo.PullAsync(pr.Number())).Str("state"));
    }

    [Fact]
    public async Task Reviews_and_line_comments_are_validated_listed_and_notified()
    {
        var (repo, _, feature) = await DivergedAsync(server);
        using var _r = repo;
        var author = repo.Owner;
        var reviewer = await server.SignUpAsync();
        var pr = await repo.CreatePullAsync(author, new { title = "Review me", headBranch = "feature", baseBranch = "main" });
        var v1 = $"{repo.V1}/pulls/{pr.Number()}";
        using var a = author.Client();
        using var r = reviewer.Client();

        await (await a.PostAsJsonAsync($"{v1}/reviews", new { @event = "APPROVE" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var review = await (await r.PostAsJsonAsync($"{v1}/reviews", new
        {
            @event = "REQUEST_CHANGES", body = "please fix", commit_id = feature[1],
            comments = new[] { new { path = "feature.txt", line = 2, side = "RIGHT", body = "this line" } },
        })).JsonAsync();
        Assert.Equal("CHANGES_REQUESTED", review.Str("state"));
        Assert.Equal(feature[1], review.Str("commit_id"));
        await (await r.PostAsJsonAsync($"{v1}/reviews", new { @event = "APPROVE" })).JsonAsync();
        await (await r.PostAsJsonAsync($"{v1}/reviews", new { @event = "COMMENT" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await r.PostAsJsonAsync($"{v1}/reviews", new { @event = "SHRUG", body = "x" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var reviews = await (await r.GetAsync($"{v1}/reviews")).JsonAsync();
        Assert.Equal(["CHANGES_REQUESTED", "APPROVED"], reviews.AsArray().Select(x => x!.Str("state")));

        // Line comments must be on a line of the diff.
        await (await r.PostAsJsonAsync($"{v1}/comments", new { body = "no", path = "base.txt", line = 1, side = "RIGHT" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await r.PostAsJsonAsync($"{v1}/comments", new { body = "no", path = "feature.txt", line = 9, side = "RIGHT" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var inline = await (await r.PostAsJsonAsync($"{v1}/comments", new { body = "nice @" + author.Username, path = "feature.txt", line = 1, side = "RIGHT", commit_id = feature[1] }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("feature.txt", inline.Str("path"));
        Assert.Equal(1, inline["line"]!.GetValue<int>());
        Assert.Contains("+one", inline.Str("diff_hunk"));
        var reply = await (await a.PostAsJsonAsync($"{v1}/comments", new { body = "thanks", in_reply_to = inline["id"]!.GetValue<long>() })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(inline["id"]!.GetValue<long>(), reply["in_reply_to_id"]!.GetValue<long>());
        var comments = await (await r.GetAsync($"{v1}/comments")).JsonAsync();
        Assert.Equal(3, comments.AsArray().Count); // the review's line comment, the comment, the reply
        Assert.Equal(3, (await (await r.GetAsync(v1)).JsonAsync())["review_comments"]!.GetValue<int>());

        // sigmagit: a general comment (the issue's) and an inline one on the same route.
        var general = await (await r.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/comments", new { body = "general" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("general", general.Str("comment.body"));
        var line = await (await r.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/comments", new { body = "left", path = "feature.txt", line = 2, side = "RIGHT" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("RIGHT", line.Str("comment.side"));
        Assert.Single((await (await r.GetAsync($"{repo.Pulls}/{pr.Number()}/comments")).JsonAsync())["comments"]!.AsArray());
        Assert.Equal(4, (await (await r.GetAsync($"{repo.Pulls}/{pr.Number()}/review-comments")).JsonAsync())["comments"]!.AsArray().Count);
        var sigReviews = await (await r.GetAsync($"{repo.Pulls}/{pr.Number()}/reviews")).JsonAsync();
        Assert.Equal(2, sigReviews["reviews"]!.AsArray().Count);

        // The author hears about the reviews.
        var inbox = await (await a.GetAsync("/api/notifications")).JsonAsync();
        var actions = inbox["notifications"]!.AsArray().Select(n => n!.Str("action")).ToList();
        Assert.Contains("requested changes", actions);
        Assert.Contains("approved", actions);

        // And the reviewer (a participant) hears about the merge.
        await repo.MergeableAsync(pr.Number(), true);
        await (await a.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        var reviewerInbox = await (await r.GetAsync("/api/notifications")).JsonAsync();
        Assert.Contains("merged", reviewerInbox["notifications"]!.AsArray().Select(n => n!.Str("action")));
    }

    [Fact]
    public async Task Base_can_be_changed_and_title_edited_on_both_surfaces()
    {
        var (repo, _, _) = await DivergedAsync(server);
        using var _r = repo;
        await repo.CommitAsync("release", "release.txt", "r\n", from: "main");
        await repo.PushAsync("release");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Retarget", headBranch = "feature", baseBranch = "main" });
        using var c = repo.Owner.Client();
        var patched = await (await c.PatchAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}", new { title = "Retargeted", @base = "release" })).JsonAsync();
        Assert.Equal("Retargeted", patched.Str("title"));
        Assert.Equal("release", patched.Str("base.ref"));
        await (await c.PatchAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}", new { @base = "missing" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}", new { @base = "feature" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var ready = await repo.MergeableAsync(pr.Number(), true);
        Assert.Equal("release", ready.Str("baseBranch"));
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        Assert.Equal(merged.Str("mergeCommitOid"), await repo.RemoteAsync("release"));
    }
}

public sealed class PullRequestTestsOnSqlite(PullsSqliteServer s) : PullRequestTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestTestsOnPostgres(PullsPostgresServer s) : PullRequestTests(s), IClassFixture<PullsPostgresServer>;
