using System.Net;
using System.Net.Http.Headers;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;

namespace Anvil.Web.Tests;

/// <summary>Pages, git smart HTTP and the APIs share one URL space; each keeps its own answers.</summary>
public abstract class WebRoutingTests(AnvilServer server)
{
    private HttpClient Browser()
    {
        var c = server.Anonymous();
        c.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        return c;
    }

    [Fact]
    public async Task Pages_carry_a_csp_without_inline_script_and_refuse_framing()
    {
        using var c = Browser();
        var res = await c.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/html; charset=utf-8", res.Content.Headers.ContentType?.ToString());
        var csp = res.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        var html = await res.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html); // every script is a file
        Assert.Contains("/assets/anvil.css?v=", html);
    }

    [Fact]
    public async Task Assets_are_versioned_and_cached_for_a_year()
    {
        using var c = Browser();
        var html = await (await c.GetAsync("/login")).Content.ReadAsStringAsync();
        var css = System.Text.RegularExpressions.Regex.Match(html, "/assets/anvil\\.css\\?v=[0-9a-f]+").Value;
        var res = await c.GetAsync(css);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/css; charset=utf-8", res.Content.Headers.ContentType?.ToString());
        Assert.Equal("public, max-age=31536000, immutable", res.Headers.CacheControl?.ToString());
        var stale = await c.GetAsync("/assets/anvil.css?v=old");
        Assert.Equal("public, no-cache", stale.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/assets/missing.css")).StatusCode);
    }

    [Fact]
    public async Task Assets_come_gzipped_to_clients_that_take_it_and_plain_to_the_rest()
    {
        using var c = Browser();
        var html = await (await c.GetAsync("/login")).Content.ReadAsStringAsync();
        var css = System.Text.RegularExpressions.Regex.Match(html, "/assets/anvil\\.css\\?v=[0-9a-f]+").Value;
        var plain = await c.GetAsync(css);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var original = await plain.Content.ReadAsByteArrayAsync();

        using var req = new HttpRequestMessage(HttpMethod.Get, css);
        req.Headers.AcceptEncoding.ParseAdd("gzip, br;q=0.5");
        var gzipped = await c.SendAsync(req);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);
        var compressed = await gzipped.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < original.Length / 2, $"{compressed.Length} of {original.Length} bytes");
        using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
        using var back = new MemoryStream();
        await unzip.CopyToAsync(back);
        Assert.Equal(original, back.ToArray());

        using var refused = new HttpRequestMessage(HttpMethod.Get, css);
        refused.Headers.AcceptEncoding.ParseAdd("gzip;q=0");
        Assert.Empty((await c.SendAsync(refused)).Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Unknown_pages_are_an_html_404_for_browsers_and_the_envelope_for_api_clients()
    {
        using var browser = Browser();
        var page = await browser.GetAsync("/nobody-here/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html);
        Assert.Contains(page.Headers.GetValues("X-Request-Id").Single(), html);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());

        foreach (var path in new[] { "/api/nothing", "/auth/nothing" })
        {
            var api = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
            Assert.Equal("{\"error\":\"not found\"}", await api.Content.ReadAsStringAsync());
        }
        // v1 answers GitHub's body beside the envelope's error.
        var v1 = await browser.GetAsync("/api/v1/nothing/at/all");
        Assert.Equal(HttpStatusCode.NotFound, v1.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await v1.Content.ReadAsStringAsync())!;
        Assert.Equal("not found", (string?)body["error"]);
        Assert.Equal("Not Found", (string?)body["message"]);
        // A POST to an unknown API path is the API's 404, not a page's antiforgery refusal.
        var post = await browser.PostAsync("/api/nothing", new StringContent("{}", null, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("{\"error\":\"not found\"}", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Git_smart_http_keeps_its_paths_and_a_browser_opening_a_clone_url_lands_on_the_repository()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "tool");
        using var git = new GitClient();
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, "tool"), git.Path("a"));
        await git.OkAsync(null, "clone", "-q", $"{server.BaseUri}{owner.Username}/tool", git.Path("b"));
        Assert.True(File.Exists(git.Path("a/src/calc.py")) && File.Exists(git.Path("b/README.md")));

        using var browser = Browser();
        var res = await browser.GetAsync($"/{owner.Username}/tool.git");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal($"/{owner.Username}/tool", res.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/{owner.Username}/tool")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/{owner.Username}/tool.git/info/refs?service=git-upload-pack")).StatusCode);
    }

    [Fact]
    public async Task A_tree_url_naming_a_file_opens_its_blob_and_a_blob_url_naming_a_folder_its_tree()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "paths");
        var repo = $"/{owner.Username}/paths";
        using var browser = Browser();
        foreach (var (from, to) in new[]
        {
            ($"{repo}/tree/main/src/calc.py", $"{repo}/blob/main/src/calc.py"),
            ($"{repo}/tree/main/README.md", $"{repo}/blob/main/README.md"),
            ($"{repo}/blob/main/docs", $"{repo}/tree/main/docs"),
            ($"{repo}/blob/main/src/", $"{repo}/tree/main/src"),
        })
        {
            var res = await browser.GetAsync(from);
            Assert.True(res.StatusCode == HttpStatusCode.Redirect, $"{from}: {(int)res.StatusCode}");
            Assert.Equal(new Uri(server.BaseUri, to), new Uri(server.BaseUri, res.Headers.Location!));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(to)).StatusCode);
        }
        // A path that is neither stays the styled 404.
        foreach (var missing in new[] { $"{repo}/tree/main/nope", $"{repo}/tree/main/src/calc.py/deeper", $"{repo}/blob/main/nope.txt" })
        {
            var res = await browser.GetAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            Assert.Contains("Page not found", await res.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Raw_files_are_plain_text_in_a_sandbox_never_html()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "rawness");
        using var browser = Browser();
        var res = await browser.GetAsync($"/{owner.Username}/rawness/raw/main/page.html");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", res.Content.Headers.ContentType?.ToString());
        Assert.Contains("sandbox", res.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("<script>alert(1)</script>\n", await res.Content.ReadAsStringAsync());

        var image = await browser.GetAsync($"/{owner.Username}/rawness/raw/main/docs/logo.png");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.ToString());
        Assert.Equal(SampleRepository.Png, await image.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/{owner.Username}/rawness/raw/main/nope.txt")).StatusCode);
    }

    [Fact]
    public async Task Page_names_cannot_be_usernames()
    {
        using var c = server.Anonymous();
        foreach (var name in new[] { "login", "join", "logout", "new", "assets", "search", "settings", "explore", "notifications" })
        {
            var res = await c.PostAsync("/auth/sign-up", System.Net.Http.Json.JsonContent.Create(new
            {
                email = $"{name}-{Guid.NewGuid():N}@example.com", username = name, password = "long-enough-password",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("reserved", await res.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Forms_without_an_antiforgery_token_change_nothing()
    {
        using var c = Browser();
        var username = "forged" + Guid.NewGuid().ToString("N")[..8];
        var res = await c.PostAsync("/join", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "join", ["Email"] = username + "@example.com", ["Username"] = username, ["Password"] = "long-enough-password",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("reload the page and try again", await res.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/" + username)).StatusCode);
    }
}

public sealed class WebRoutingTestsOnSqlite(SqliteServer s) : WebRoutingTests(s), IClassFixture<SqliteServer>;
