using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.RateLimiting;

public sealed class RateLimitTests
{
    private const string SigmagitPath = "/api/auth/get-session";
    private const string V1Path = "/api/v1/meta";

    [Fact]
    public async Task Sigmagit_counts_down_then_refuses_with_retry_after()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PER_MINUTE", "3"));
        using var c = server.Anonymous();
        foreach (var remaining in new[] { "2", "1", "0" })
        {
            var res = await c.GetAsync(SigmagitPath);
            await res.JsonAsync();
            Assert.Equal("3", res.Header("RateLimit-Limit"));
            Assert.Equal(remaining, res.Header("RateLimit-Remaining"));
            Assert.InRange(int.Parse(res.Header("RateLimit-Reset")!), 1, 60);
            Assert.Null(res.Header("Retry-After"));
            Assert.Null(res.Header("X-RateLimit-Limit"));
        }
        var refused = await c.GetAsync(SigmagitPath);
        Assert.Equal("rate limit exceeded", await refused.ErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.Equal("0", refused.Header("RateLimit-Remaining"));
        Assert.InRange(int.Parse(refused.Header("Retry-After")!), 1, 60);
        // /auth/* is the same surface and the same client.
        await (await c.PostAsJsonAsync("/auth/sign-in", new { username = "nobody", password = "whatever-it-is" })).ErrorAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Sigmagit_burst_cap_applies_on_its_own()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PER_MINUTE", "0"), ("ANVIL_RATELIMIT_BURST", "2"));
        using var c = server.Anonymous();
        Assert.Equal("1", (await c.GetAsync(SigmagitPath)).Header("RateLimit-Remaining"));
        var last = await c.GetAsync(SigmagitPath);
        Assert.Equal("2", last.Header("RateLimit-Limit"));
        Assert.Equal("0", last.Header("RateLimit-Remaining"));
        var refused = await c.GetAsync(SigmagitPath);
        await refused.ErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(refused.Header("Retry-After")!), 1, 30);
    }

    [Fact]
    public async Task Sigmagit_signed_in_users_have_their_own_bucket()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PER_MINUTE", "3"));
        var user = await server.SignUpAsync(); // one request from the IP
        using var c = user.Client();
        for (var i = 0; i < 3; i++)
        {
            await (await c.GetAsync("/api/users/me")).JsonAsync();
        }
        await (await c.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.TooManyRequests);

        using var anonymous = server.Anonymous();
        Assert.Equal("1", (await anonymous.GetAsync(SigmagitPath)).Header("RateLimit-Remaining"));
    }

    [Fact]
    public async Task V1_counts_down_then_refuses_with_unix_reset_and_retry_after()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "2"));
        using var c = server.Anonymous();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var remaining in new[] { "1", "0" })
        {
            var res = await c.GetAsync(V1Path);
            var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await res.JsonAsync();
            Assert.Equal("2", res.Header("X-RateLimit-Limit"));
            Assert.Equal(remaining, res.Header("X-RateLimit-Remaining"));
            // The hour starts somewhere between the first request's send and its answer: bound it by both clocks, not by a fixed slack.
            Assert.InRange(long.Parse(res.Header("X-RateLimit-Reset")!), before + 3599, after + 3601);
            Assert.Null(res.Header("RateLimit-Limit"));
        }
        var refused = await c.GetAsync(V1Path);
        Assert.Equal("rate limit exceeded", await refused.ErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.Equal("2", refused.Header("X-RateLimit-Limit"));
        Assert.InRange(int.Parse(refused.Header("Retry-After")!), 3500, 3600);
    }

    [Fact]
    public async Task V1_headers_are_on_error_responses_too()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "10"));
        using var c = server.Anonymous();
        var unauthenticated = await c.GetAsync("/api/v1/user");
        await unauthenticated.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("9", unauthenticated.Header("X-RateLimit-Remaining"));

        var missing = await c.GetAsync("/api/v1/no-such-thing");
        await missing.ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("10", missing.Header("X-RateLimit-Limit"));
        Assert.Equal("8", missing.Header("X-RateLimit-Remaining"));
        Assert.NotNull(missing.Header("X-RateLimit-Reset"));

        using var badToken = server.WithBearer("shp_" + new string('A', 40));
        var rejected = await badToken.GetAsync("/api/v1/user");
        await rejected.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("10", rejected.Header("X-RateLimit-Limit"));
        Assert.Equal("7", rejected.Header("X-RateLimit-Remaining"));
        Assert.NotNull(rejected.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task V1_token_and_anonymous_buckets_are_separate_and_a_bad_token_counts_against_the_ip()
    {
        await using var server = await LimitedServers.StartAsync(
            ("ANVIL_RATELIMIT_API_AUTHED_PER_HOUR", "5"), ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "3"));
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read");
        var otherToken = await user.CreateTokenAsync("user:read");
        using var anonymous = server.Anonymous();
        using var withToken = server.WithBearer(token);
        using var badToken = server.WithBearer("shp_" + new string('B', 40));

        Assert.Equal("2", (await anonymous.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));
        var bad = await badToken.GetAsync(V1Path);
        await bad.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("1", bad.Header("X-RateLimit-Remaining"));
        Assert.Equal("0", (await anonymous.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));
        await (await anonymous.GetAsync(V1Path)).ErrorAsync(HttpStatusCode.TooManyRequests);
        // Once the IP is spent, a made-up token is no way around it.
        var badAgain = await badToken.GetAsync(V1Path);
        await badAgain.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("0", badAgain.Header("X-RateLimit-Remaining"));

        var authed = await withToken.GetAsync("/api/v1/user");
        await authed.JsonAsync();
        Assert.Equal("5", authed.Header("X-RateLimit-Limit"));
        Assert.Equal("4", authed.Header("X-RateLimit-Remaining"));
        using var withOtherToken = server.WithBearer(otherToken);
        Assert.Equal("4", (await withOtherToken.GetAsync("/api/v1/user")).Header("X-RateLimit-Remaining"));
        for (var i = 0; i < 4; i++)
        {
            await (await withToken.GetAsync(V1Path)).JsonAsync();
        }
        var refused = await withToken.GetAsync(V1Path);
        await refused.ErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.NotNull(refused.Header("Retry-After"));
    }

    [Fact]
    public async Task V1_rate_limit_reports_the_budget_in_GitHubs_shape_without_spending_it()
    {
        await using var server = await LimitedServers.StartAsync(
            ("ANVIL_RATELIMIT_API_AUTHED_PER_HOUR", "5"), ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "2"));
        using var anonymous = server.Anonymous();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var fresh = await anonymous.GetAsync("/api/v1/rate_limit");
        var report = await fresh.JsonAsync();
        Assert.Equal(2, report["resources"]!["core"]!["limit"]!.GetValue<int>());
        Assert.Equal(2, report["resources"]!["core"]!["remaining"]!.GetValue<int>());
        Assert.Equal(0, report["resources"]!["core"]!["used"]!.GetValue<int>());
        Assert.Equal("core", report["resources"]!["core"]!.Str("resource"));
        Assert.Equal("search", report["resources"]!["search"]!.Str("resource"));
        Assert.InRange(report["rate"]!["reset"]!.GetValue<long>(), before + 3599, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3601);
        Assert.Equal("2", fresh.Header("X-RateLimit-Remaining"));

        await (await anonymous.GetAsync(V1Path)).JsonAsync();
        await (await anonymous.GetAsync(V1Path)).JsonAsync();
        await (await anonymous.GetAsync(V1Path)).ErrorAsync(HttpStatusCode.TooManyRequests);
        // A spent budget can still be asked about, and asking spends nothing.
        for (var i = 0; i < 3; i++)
        {
            var spent = await (await anonymous.GetAsync("/api/v1/rate_limit")).JsonAsync();
            Assert.Equal(0, spent["rate"]!["remaining"]!.GetValue<int>());
            Assert.Equal(3, spent["rate"]!["used"]!.GetValue<int>());
        }

        var user = await server.SignUpAsync();
        using var withToken = server.WithBearer(await user.CreateTokenAsync("user:read"));
        await (await withToken.GetAsync("/api/v1/user")).JsonAsync();
        var mine = await (await withToken.GetAsync("/api/v1/rate_limit")).JsonAsync();
        Assert.Equal(5, mine["resources"]!["core"]!["limit"]!.GetValue<int>());
        Assert.Equal(4, mine["resources"]!["core"]!["remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task Zero_disables_a_limit_and_sends_no_headers()
    {
        await using var server = await LimitedServers.StartAsync(); // the fixture's default: all 0
        using var c = server.Anonymous();
        for (var i = 0; i < 5; i++)
        {
            var v1 = await c.GetAsync(V1Path);
            await v1.JsonAsync();
            Assert.Null(v1.Header("X-RateLimit-Limit"));
            var sg = await c.GetAsync(SigmagitPath);
            await sg.JsonAsync();
            Assert.Null(sg.Header("RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task The_seed_setting_names_are_accepted()
    {
        await using var server = await LimitedServers.StartAsync(
            ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", null), ("SHITHUB_RATELIMIT__API__ANON_PER_HOUR", "7"));
        using var c = server.Anonymous();
        var res = await c.GetAsync(V1Path);
        Assert.Equal("7", res.Header("X-RateLimit-Limit"));
        Assert.Equal("6", res.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Health_and_git_paths_are_exempt()
    {
        await using var server = await LimitedServers.StartAsync(
            ("ANVIL_RATELIMIT_PER_MINUTE", "1"), ("ANVIL_RATELIMIT_BURST", "1"), ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "1"));
        using var c = server.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            var health = await c.GetAsync("/health");
            await health.JsonAsync();
            Assert.Null(health.Header("RateLimit-Limit"));
            Assert.Null(health.Header("X-RateLimit-Limit"));
            var git = await c.GetAsync("/someone/something.git/info/refs?service=git-upload-pack");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, git.StatusCode);
            Assert.Null(git.Header("RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task Failed_sign_ins_from_an_address_are_capped_and_successes_do_not_count()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_SIGNIN_FAILURES_PER_15_MIN", "2"));
        var user = await server.SignUpAsync();
        using var c = server.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            await (await c.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password })).JsonAsync();
        }
        for (var i = 0; i < 2; i++)
        {
            await (await c.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = "wrong-password" })).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        // Even the right password waits now: guessing must not be able to tell.
        var refused = await c.PostAsJsonAsync("/api/auth/sign-in/email", new { email = $"{user.Username}@example.com", password = user.Password });
        Assert.Contains("sign-in", await refused.ErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.InRange(int.Parse(refused.Header("Retry-After")!), 1, 15 * 60);
    }

    [Fact]
    public async Task Sign_ups_from_an_address_are_capped()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_SIGNUPS_PER_HOUR", "2"));
        await server.SignUpAsync();
        await server.SignUpAsync();
        using var c = server.Anonymous();
        var refused = await c.PostAsJsonAsync("/auth/sign-up", new { email = "third@example.com", username = "third", password = "long-enough-password" });
        Assert.Contains("sign-up", await refused.ErrorAsync(HttpStatusCode.TooManyRequests));
        Assert.NotNull(refused.Header("Retry-After"));
    }

    [Fact]
    public async Task Forwarded_for_is_believed_only_from_a_trusted_proxy()
    {
        await using (var behindProxy = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PER_MINUTE", "1"), ("ANVIL_TRUST_PROXY", "127.0.0.1")))
        {
            using var a = behindProxy.ForwardedFor("203.0.113.5");
            using var b = behindProxy.ForwardedFor("203.0.113.6");
            await (await a.GetAsync(SigmagitPath)).JsonAsync();
            await (await b.GetAsync(SigmagitPath)).JsonAsync();
            await (await a.GetAsync(SigmagitPath)).ErrorAsync(HttpStatusCode.TooManyRequests);
            // The client may prepend anything; the proxy's own entry (right-most) is the one believed.
            using var spoofing = behindProxy.ForwardedFor("198.51.100.1, 203.0.113.6");
            await (await spoofing.GetAsync(SigmagitPath)).ErrorAsync(HttpStatusCode.TooManyRequests);
        }
        await using (var direct = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PER_MINUTE", "1")))
        {
            using var a = direct.ForwardedFor("203.0.113.5");
            using var b = direct.ForwardedFor("203.0.113.6");
            await (await a.GetAsync(SigmagitPath)).JsonAsync();
            await (await b.GetAsync(SigmagitPath)).ErrorAsync(HttpStatusCode.TooManyRequests);
        }
    }
}
