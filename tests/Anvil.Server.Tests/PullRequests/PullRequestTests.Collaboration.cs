using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>Pull requests between people: from forks, merging at once, who may do what, reviews, and edits.</summary>
public abstract partial class PullRequestTests
{
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
