using System.Net;
using System.Net.Http.Headers;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.RateLimiting;

namespace Anvil.Server.Tests.Operations;

/// <summary>
/// <c>/metrics</c> is not public: a token when one is configured, else loopback only. The test servers listen on
/// loopback, so the remote client is played honestly by a trusted proxy forwarding for a non-loopback address.
/// </summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task With_a_metrics_token_a_scrape_needs_it_as_its_bearer_token()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_METRICS_TOKEN", "scrape-secret-42"));
        using var anonymous = server.Anonymous();
        var missing = await anonymous.GetAsync("/metrics");
        Assert.Contains("ANVIL_METRICS_TOKEN", await missing.ErrorAsync(HttpStatusCode.Unauthorized));
        Assert.NotEmpty(missing.Headers.GetValues("X-Request-Id").Single());
        Assert.Contains("Bearer", missing.Headers.WwwAuthenticate.ToString());

        using var wrong = server.WithBearer("scrape-secret-43");
        await (await wrong.GetAsync("/metrics")).ErrorAsync(HttpStatusCode.Unauthorized);

        // A user's own credentials are not the metrics token.
        var user = await server.SignUpAsync();
        using var signedIn = user.Client();
        await (await signedIn.GetAsync("/metrics")).ErrorAsync(HttpStatusCode.Unauthorized);

        using var scraper = server.WithBearer("scrape-secret-42");
        var ok = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.StartsWith("text/plain", ok.Content.Headers.ContentType!.ToString());
        Assert.Contains("anvil_webhook_deliveries_pending", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_token_only_loopback_clients_may_scrape_even_behind_a_trusted_proxy()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_TRUST_PROXY", "127.0.0.1,::1"));
        using var local = server.Anonymous();
        var ok = await local.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("anvil_actions_jobs_queued", await ok.Content.ReadAsStringAsync());

        // The proxy is on loopback; the client it forwards for is not, and is refused as if there were nothing there.
        using var remote = server.ForwardedFor("203.0.113.9");
        await (await remote.GetAsync("/metrics")).ErrorAsync(HttpStatusCode.NotFound);
        using var remoteV6 = server.ForwardedFor("2001:db8::7");
        await (await remoteV6.GetAsync("/metrics")).ErrorAsync(HttpStatusCode.NotFound);

        // A proxy forwarding for a client on its own machine is still loopback.
        using var proxiedLocal = server.ForwardedFor("127.0.0.1");
        Assert.Equal(HttpStatusCode.OK, (await proxiedLocal.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task An_untrusted_peer_cannot_claim_loopback_through_X_Forwarded_For()
    {
        // No proxy is trusted: the header is the client's own words and changes nothing (here the peer is loopback).
        await using var server = await LimitedServers.StartAsync();
        using var claims = server.ForwardedFor("203.0.113.9");
        Assert.Equal(HttpStatusCode.OK, (await claims.GetAsync("/metrics")).StatusCode);
    }
}
