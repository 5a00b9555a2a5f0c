using System.Net;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;

namespace Anvil.Web.Tests;

/// <summary>Every link on every page reachable from the front page leads somewhere: no 404, no 500.</summary>
public sealed partial class CrawlerTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [GeneratedRegex("""(?:href|src|action)="([^"#]*)""")]
    private static partial Regex LinkPattern();

    [Fact]
    public async Task Following_every_link_signed_in_and_signed_out_finds_no_broken_page()
    {
        var owner = await server.SignUpAsync();
        // The sample's commits are authored as test@anvil.local: with an account behind that address, history links to it.
        using (var anonymousApi = server.Anonymous())
        {
            Assert.Equal(HttpStatusCode.Created, (await anonymousApi.PostAsync("/auth/sign-up", System.Net.Http.Json.JsonContent.Create(new
            {
                email = "test@anvil.local", username = "the-author", password = "long-enough-password",
            }))).StatusCode);
        }
        await SampleRepository.PushAsyncForNewRepo(server, owner, "crawled");
        using (var c = owner.Client())
        {
            Assert.Equal(HttpStatusCode.Created, (await c.PostAsync("/api/repositories",
                System.Net.Http.Json.JsonContent.Create(new { name = "empty-one", description = "nothing pushed yet" }))).StatusCode);
        }
        // A fork and a star, so the forks and stargazers lists have links to follow.
        var fan = await server.SignUpAsync();
        using (var c = fan.Client())
        {
            Assert.Equal(HttpStatusCode.Accepted, (await c.PostAsync($"/api/v1/repos/{owner.Username}/crawled/forks", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsync($"/api/v1/user/starred/{owner.Username}/crawled", null)).StatusCode);
        }
        // An issue with a mention and a comment, and one closed, so the issue pages and their links are crawled too.
        var issue = await SampleRepository.OpenIssueAsync(owner, "crawled");
        await SampleRepository.TriageIssueAsync(owner, "crawled", issue);
        var pull = await SamplePull.OpenAsync(server, owner, "crawled", issue);
        using (var c = owner.Client())
        {
            Assert.Equal(HttpStatusCode.Created, (await c.PostAsync($"/api/v1/repos/{owner.Username}/crawled/issues",
                System.Net.Http.Json.JsonContent.Create(new { title = "Follow-up to #" + issue, body = $"See #{issue}.", assignees = new[] { owner.Username } }))).StatusCode);
        }
        var run = await SampleRun.PushAndFinishAsync(server, owner, "crawled");
        var anonymous = await CrawlAsync(null, $"/{owner.Username}/crawled");
        var signedIn = await CrawlAsync(owner.SessionToken, "/");
        Assert.Contains($"/{owner.Username}/crawled/blob/main/docs/guide.md", signedIn);
        Assert.Contains($"/{owner.Username}/crawled/tree/main/src", anonymous);
        Assert.Contains($"/{owner.Username}/empty-one", signedIn);
        Assert.Contains("/the-author", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/stargazers", anonymous);
        Assert.Contains($"/{fan.Username}/crawled", anonymous); // reached from the forks page
        Assert.Contains($"/{owner.Username}/crawled/issues/{issue}", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/pulls", anonymous);
        Assert.Contains("/settings/security", signedIn);
        Assert.Contains($"/{owner.Username}/crawled/settings/hooks/new", signedIn); // through the Settings tab of its admin
        Assert.Contains("/settings/discord", signedIn);
        Assert.DoesNotContain($"/{owner.Username}/crawled/settings", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/actions/runs/{run.RunId}/job/{run.JobId}", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/runs/{run.CheckRunId}", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/pull/{pull}/files", anonymous);
        Assert.Contains($"/{owner.Username}/crawled/labels", signedIn);
        Console.WriteLine($"crawled {anonymous.Count} pages signed out, {signedIn.Count} signed in");
        Assert.True(anonymous.Count > 20 && signedIn.Count > 20, "the crawl reached too little to mean anything");
    }

    /// <summary>Visits pages breadth-first from <paramref name="start"/>; returns the paths seen.</summary>
    private async Task<HashSet<string>> CrawlAsync(string? session, string start)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = true }) { BaseAddress = server.BaseUri };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        if (session is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", "anvil_session=" + session);
        }
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>([start]);
        var broken = new List<string>();
        while (queue.Count > 0 && seen.Count < 400)
        {
            var path = queue.Dequeue();
            using var res = await client.GetAsync(path);
            if (res.StatusCode != HttpStatusCode.OK)
            {
                broken.Add($"{path} → {(int)res.StatusCode}");
                continue;
            }
            if (res.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue; // raw files, images, assets: reached is enough
            }
            var html = await res.Content.ReadAsStringAsync();
            foreach (Match m in LinkPattern().Matches(html))
            {
                var href = WebUtility.HtmlDecode(m.Groups[1].Value);
                if (href.Length == 0 || href.StartsWith("http", StringComparison.Ordinal) && !href.StartsWith(server.BaseUri.ToString(), StringComparison.Ordinal))
                {
                    continue;
                }
                var target = new Uri(new Uri(server.BaseUri, path), href);
                var local = target.PathAndQuery;
                // The API documentation is Scalar's page, and sign-out / form targets are posted to, not followed.
                if (local.StartsWith("/docs", StringComparison.Ordinal) || local == "/logout" || m.Value.StartsWith("action", StringComparison.Ordinal))
                {
                    continue;
                }
                if (seen.Add(local))
                {
                    queue.Enqueue(local);
                }
            }
        }
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
        return seen;
    }
}
