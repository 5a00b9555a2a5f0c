using System.Net;
using System.Net.Http.Headers;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>GitHub's diff and patch media types on a pull request and a commit: git's own text instead of JSON.</summary>
public abstract class ChangeMediaTypeTests(PullsServer server)
{
    private static async Task<(string ContentType, string Body)> GetAsync(HttpClient c, string url, string accept)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var res = await c.SendAsync(req);
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{(int)res.StatusCode}: {body}");
        return (res.Content.Headers.ContentType!.MediaType!, body);
    }

    [Fact]
    public async Task Pull_requests_and_commits_answer_diff_and_patch_text()
    {
        var repo = await PullRepo.CreateAsync(server);
        using var _ = repo;
        var first = await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main", message: "feature: first");
        await repo.CommitAsync("feature", "feature.txt", "one\ntwo\n", message: "feature: second");
        await repo.PushAsync("feature");
        await repo.CommitAsync("main", "base.txt", "base change\n");
        await repo.PushAsync("main");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Feature", headBranch = "feature", baseBranch = "main" });
        using var c = repo.Owner.Client();

        var (type, diff) = await GetAsync(c, $"{repo.V1}/pulls/{pr.Number()}", "application/vnd.github.diff");
        Assert.Equal("application/vnd.github.diff", type);
        Assert.StartsWith("diff --git a/feature.txt b/feature.txt\n", diff);
        Assert.Contains("\n+one\n+two\n", diff);
        Assert.DoesNotContain("base.txt", diff);

        var (patchType, patch) = await GetAsync(c, $"{repo.V1}/pulls/{pr.Number()}", "application/vnd.github.v3.patch");
        Assert.Equal("application/vnd.github.patch", patchType);
        Assert.Equal(2, patch.Split('\n').Count(l => l.StartsWith("From ")));
        Assert.Contains("Subject: [PATCH 1/2] feature: first", patch);

        var (_, commitDiff) = await GetAsync(c, $"{repo.V1}/commits/{first}", "application/vnd.github.v3.diff");
        Assert.StartsWith("diff --git a/feature.txt b/feature.txt\nnew file mode 100644\n", commitDiff);
        var (_, commitPatch) = await GetAsync(c, $"{repo.V1}/commits/{first}", "application/vnd.github.patch");
        Assert.StartsWith($"From {first} ", commitPatch);
        Assert.Contains("Subject: [PATCH] feature: first", commitPatch);

        // The README commit is the root: its diff is everything it added.
        var root = (await repo.GitAsync("rev-list", "--max-parents=0", "main")).Trim();
        var (_, rootDiff) = await GetAsync(c, $"{repo.V1}/commits/{root}", "application/vnd.github.diff");
        Assert.StartsWith("diff --git a/README.md b/README.md\nnew file mode 100644\n", rootDiff);

        // GitHub's page URLs with .diff and .patch: the same text, as plain text.
        var pageDiff = await c.GetAsync($"/{repo.Owner.Username}/{repo.Name}/pull/{pr.Number()}.diff");
        Assert.Equal("text/plain", pageDiff.Content.Headers.ContentType!.MediaType);
        Assert.Equal(diff, await pageDiff.Content.ReadAsStringAsync());
        var pagePatch = await c.GetAsync($"/{repo.Owner.Username}/{repo.Name}/commit/{first}.patch");
        Assert.Equal(commitPatch, await pagePatch.Content.ReadAsStringAsync());
        Assert.Equal(commitDiff, await (await c.GetAsync($"/{repo.Owner.Username}/{repo.Name}/commit/{first}.diff")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/{repo.Owner.Username}/{repo.Name}/pull/999.diff")).StatusCode);

        // Without the media type: JSON, as before.
        var json = await (await c.GetAsync($"{repo.V1}/pulls/{pr.Number()}")).JsonAsync();
        Assert.Equal("Feature", json.Str("title"));
    }

    [Fact]
    public async Task A_private_repositorys_diff_is_not_found_to_strangers()
    {
        var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        using var _ = repo;
        var head = await repo.CommitAsync("main", "x.txt", "x\n");
        await repo.PushAsync("main");
        var stranger = await server.SignUpAsync();
        using var c = stranger.Client();
        using var req = new HttpRequestMessage(HttpMethod.Get, $"{repo.V1}/commits/{head}");
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github.diff"));
        await (await c.SendAsync(req)).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/{repo.Owner.Username}/{repo.Name}/commit/{head}.patch")).StatusCode);
        using var anonymous = server.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/{repo.Owner.Username}/{repo.Name}/commit/{head}.diff")).StatusCode);
    }
}

public sealed class ChangeMediaTypeTestsOnSqlite(PullsSqliteServer s) : ChangeMediaTypeTests(s), IClassFixture<PullsSqliteServer>;

public sealed class ChangeMediaTypeTestsOnPostgres(PullsPostgresServer s) : ChangeMediaTypeTests(s), IClassFixture<PullsPostgresServer>;
