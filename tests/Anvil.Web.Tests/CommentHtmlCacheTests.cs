using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;

namespace Anvil.Web.Tests;

/// <summary>
/// A comment's HTML is kept between views, keyed by its text and where its references lead: it links a mention or an
/// issue number as soon as that person or issue exists, and a changed text shows at once.
/// </summary>
public sealed class CommentHtmlCacheTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task A_kept_comment_links_a_person_who_signs_up_and_an_issue_opened_after_it_was_written()
    {
        var owner = await server.SignUpAsync("chc" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "cached");
        var o = owner.Username;
        var later = "later" + Guid.NewGuid().ToString("N")[..6];
        using var api = owner.Client();
        var opened = await api.PostAsJsonAsync($"/api/v1/repos/{o}/cached/issues", new { title = "Ask around", body = "Opening post." });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var text = $"Ask @{later} about #3.";
        var comment = await api.PostAsJsonAsync($"/api/v1/repos/{o}/cached/issues/1/comments", new { body = text });
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        // The same text opens issue 2: one key, two posts.
        (await api.PostAsJsonAsync($"/api/v1/repos/{o}/cached/issues", new { title = "Same words", body = text })).EnsureSuccessStatusCode();

        // Twice, so the second view is drawn from what the first kept: neither reference leads anywhere yet.
        for (var view = 0; view < 2; view++)
        {
            var html = await PageAsync(api, $"/{o}/cached/issues/1");
            Assert.Contains($"Ask @{later} about #3.", html);
            Assert.DoesNotContain($"href=\"/{later}\"", html);
            Assert.DoesNotContain($"href=\"/{o}/cached/issues/3\"", html);
        }

        // The person signs up: the mention links, on both pages.
        await server.SignUpAsync(later);
        var signedUp = await PageAsync(api, $"/{o}/cached/issues/1");
        Assert.Contains($"<a href=\"/{later}\">@{later}</a>", signedUp);
        Assert.DoesNotContain($"href=\"/{o}/cached/issues/3\"", signedUp);
        Assert.Contains($"<a href=\"/{later}\">@{later}</a>", await PageAsync(api, $"/{o}/cached/issues/2"));

        // Issue 3 is opened: the number links too.
        (await api.PostAsJsonAsync($"/api/v1/repos/{o}/cached/issues", new { title = "The follow-up" })).EnsureSuccessStatusCode();
        Assert.Contains($"<a href=\"/{o}/cached/issues/3\">#3</a>", await PageAsync(api, $"/{o}/cached/issues/1"));

        // An edited comment shows its new text.
        var id = (long)(await comment.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["id"]!;
        (await api.PatchAsJsonAsync($"/api/v1/repos/{o}/cached/issues/comments/{id}", new { body = "Asked **already**." })).EnsureSuccessStatusCode();
        Assert.Contains("Asked <strong>already</strong>.", await PageAsync(api, $"/{o}/cached/issues/1"));
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var res = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return await res.Content.ReadAsStringAsync();
    }
}
