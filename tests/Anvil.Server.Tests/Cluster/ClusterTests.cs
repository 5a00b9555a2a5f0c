using System.Collections.Concurrent;
using System.Net;
using Anvil.Server.Cluster;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Anvil.Server.Tests.Cluster;

/// <summary>Two Anvil nodes on one real Redis.</summary>
public sealed class RedisClusterTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string V1Path = "/api/v1/meta";

    // Every test counts the same client (127.0.0.1) in the shared Redis.
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<AnvilServer> StartNodeAsync(params (string, string?)[] settings) =>
        LimitedServers.StartAsync([("REDIS_URL", redis.Url), .. settings]);

    [Fact]
    public async Task Two_nodes_share_one_budget()
    {
        var limit = ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "3");
        await using var a = await StartNodeAsync(limit);
        await using var b = await StartNodeAsync(limit);
        using var ca = a.Anonymous();
        using var cb = b.Anonymous();
        Assert.Equal("2", (await ca.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));
        Assert.Equal("1", (await cb.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));
        var last = await ca.GetAsync(V1Path);
        await last.JsonAsync();
        Assert.Equal("0", last.Header("X-RateLimit-Remaining"));
        var refused = await cb.GetAsync(V1Path);
        await refused.ErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("0", refused.Header("X-RateLimit-Remaining"));
        Assert.Equal(last.Header("X-RateLimit-Reset"), refused.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task A_message_published_on_one_node_reaches_every_subscriber_once()
    {
        await using var a = await StartNodeAsync();
        await using var b = await StartNodeAsync();
        var busA = a.Services.GetRequiredService<IClusterBus>();
        var busB = b.Services.GetRequiredService<IClusterBus>();
        var atA = new ConcurrentQueue<string>();
        var atB = new ConcurrentQueue<string>();
        using var subA = busA.Subscribe("test", m => { atA.Enqueue(m); return Task.CompletedTask; });
        using var subB = busB.Subscribe("test", async m =>
        {
            atB.Enqueue(m);
            if (m == "hello")
            {
                await busB.PublishAsync("test", "seen by b");
            }
        });
        using var elsewhere = busB.Subscribe("other", m => { atB.Enqueue("wrong channel: " + m); return Task.CompletedTask; });

        await busA.PublishAsync("test", "hello\nwith a newline");
        await busA.PublishAsync("test", "hello");
        // A's reply from B arrives after any echo of A's own messages would have: Redis keeps publish order.
        await LimitedServers.EventuallyAsync(() => Task.FromResult(atA.Contains("seen by b")), what: "B's reply at A");
        Assert.Equal(["hello\nwith a newline", "hello", "seen by b"], atA);
        Assert.Equal(["hello\nwith a newline", "hello", "seen by b"], atB);
    }

    [Fact]
    public async Task A_node_starts_and_serves_while_its_redis_is_unreachable()
    {
        await using var node = await LimitedServers.StartAsync(("REDIS_URL", "redis://127.0.0.1:1"), ("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "1"));
        using var c = node.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            await (await c.GetAsync(V1Path)).JsonAsync();
        }
        var got = new List<string>();
        var bus = node.Services.GetRequiredService<IClusterBus>();
        using var sub = bus.Subscribe("local", m => { got.Add(m); return Task.CompletedTask; });
        await bus.PublishAsync("local", "still delivered here");
        Assert.Equal(["still delivered here"], got);
    }

    [Fact]
    public async Task Redis_outage_fails_open_and_both_counting_and_the_bus_recover()
    {
        await using var a = await StartNodeAsync(("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "100"));
        await using var b = await StartNodeAsync(("ANVIL_RATELIMIT_API_ANON_PER_HOUR", "100"));
        using var c = a.Anonymous();
        Assert.Equal("99", (await c.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));

        await redis.StopAsync();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await (await c.GetAsync(V1Path)).JsonAsync();
            }
        }
        finally
        {
            await redis.StartAsync();
        }

        // The restarted Redis is empty: the first request it counts is the first of a new window.
        string? remaining = null;
        await LimitedServers.EventuallyAsync(async () =>
        {
            var res = await c.GetAsync(V1Path);
            await res.JsonAsync();
            remaining = res.Header("X-RateLimit-Remaining");
            return remaining is not null;
        }, what: "rate limit headers after Redis returned");
        Assert.Equal("99", remaining);
        Assert.Equal("98", (await c.GetAsync(V1Path)).Header("X-RateLimit-Remaining"));

        // Pub/sub is fire-and-forget: keep publishing until B's restored subscription hears one.
        var received = new ConcurrentQueue<string>();
        using var sub = b.Services.GetRequiredService<IClusterBus>().Subscribe("after-outage", m => { received.Enqueue(m); return Task.CompletedTask; });
        var busA = a.Services.GetRequiredService<IClusterBus>();
        await LimitedServers.EventuallyAsync(async () =>
        {
            await busA.PublishAsync("after-outage", "ping");
            return !received.IsEmpty;
        }, what: "bus message across nodes after Redis returned");
    }

    [Fact]
    public async Task A_node_whose_subscription_was_not_restored_after_a_reconnect_subscribes_again()
    {
        await using var a = await StartNodeAsync();
        await using var b = await StartNodeAsync();
        var received = new ConcurrentQueue<string>();
        using var sub = b.Services.GetRequiredService<IClusterBus>().Subscribe("after-blip", m => { received.Enqueue(m); return Task.CompletedTask; });
        // B loses its subscription without noticing (what the client's restoring race leaves), then its connection blips.
        await b.Services.GetRequiredService<RedisConnection>().Multiplexer.GetSubscriber().UnsubscribeAllAsync();
        await redis.KillSubscribersAsync();

        var busA = a.Services.GetRequiredService<IClusterBus>();
        await LimitedServers.EventuallyAsync(async () =>
        {
            await busA.PublishAsync("after-blip", "ping");
            return !received.IsEmpty;
        }, what: "bus message to the node that subscribed again");
        Assert.All(received, m => Assert.Equal("ping", m));
    }
}

public sealed class InProcessClusterBusTests
{
    [Fact]
    public async Task Subscribers_get_each_message_once_until_they_unsubscribe()
    {
        var bus = new InProcessClusterBus(NullLogger<InProcessClusterBus>.Instance);
        var first = new List<string>();
        var second = new List<string>();
        var sub1 = bus.Subscribe("c", m => { first.Add(m); return Task.CompletedTask; });
        using var failing = bus.Subscribe("c", _ => throw new InvalidOperationException("handler bug"));
        using var sub2 = bus.Subscribe("c", m => { second.Add(m); return Task.CompletedTask; });
        await bus.PublishAsync("c", "one");
        await bus.PublishAsync("elsewhere", "not for us");
        sub1.Dispose();
        sub1.Dispose();
        await bus.PublishAsync("c", "two");
        Assert.Equal(["one"], first);
        Assert.Equal(["one", "two"], second);
    }

    [Fact]
    public async Task Without_redis_the_app_uses_the_in_process_bus()
    {
        await using var server = await LimitedServers.StartAsync();
        var bus = server.Services.GetRequiredService<IClusterBus>();
        Assert.IsType<InProcessClusterBus>(bus);
        var got = new List<string>();
        using var sub = bus.Subscribe("x", m => { got.Add(m); return Task.CompletedTask; });
        await bus.PublishAsync("x", "hi");
        Assert.Equal(["hi"], got);
    }
}
