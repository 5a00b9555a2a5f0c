using System.Net;
using Anvil.Server.Infrastructure;
using Anvil.Server.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.RateLimiting;

public sealed class InProcessCounterTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Concurrent_hits_are_counted_exactly()
    {
        var counter = new InProcessRateLimitCounter(TimeProvider.System);
        var counts = await Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => Task.Run(() => counter.HitAsync("k", TimeSpan.FromMinutes(1)))));
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), counts.Select(c => c!.Value.Count).Order());
        Assert.Equal(2000, (await counter.PeekAsync("k"))!.Value.Count);
    }

    [Fact]
    public async Task A_window_opens_at_the_first_hit_and_ends_after_its_length()
    {
        var clock = new ManualClock();
        var counter = new InProcessRateLimitCounter(clock);
        var start = clock.Now;
        Assert.Equal(new WindowCount(1, start.AddSeconds(30)), await counter.HitAsync("k", TimeSpan.FromSeconds(30)));
        clock.Now = start.AddSeconds(29);
        Assert.Equal(new WindowCount(2, start.AddSeconds(30)), await counter.HitAsync("k", TimeSpan.FromSeconds(30)));
        Assert.Equal(1, (await counter.HitAsync("other", TimeSpan.FromSeconds(30)))!.Value.Count);
        clock.Now = start.AddSeconds(30);
        Assert.Equal(0, (await counter.PeekAsync("k"))!.Value.Count);
        Assert.Equal(new WindowCount(1, clock.Now.AddSeconds(30)), await counter.HitAsync("k", TimeSpan.FromSeconds(30)));
    }
}

public sealed class TrafficLimitsTests
{
    private static TrafficLimits From(params (string, string?)[] values) =>
        TrafficLimits.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Item1, v.Item2))).Build());

    [Fact]
    public void Defaults_are_the_seeds()
    {
        var d = From();
        Assert.Equal((60, 100, 5000, 60), (d.PerMinute, d.Burst, d.ApiAuthedPerHour, d.ApiAnonPerHour));
    }

    [Fact]
    public void Anvil_names_win_over_the_seed_names_which_work_in_both_spellings()
    {
        Assert.Equal(10, From(("ANVIL_RATELIMIT_API_AUTHED_PER_HOUR", "10"), ("SHITHUB_RATELIMIT__API__AUTHED_PER_HOUR", "20")).ApiAuthedPerHour);
        Assert.Equal(20, From(("SHITHUB_RATELIMIT__API__AUTHED_PER_HOUR", "20")).ApiAuthedPerHour);
        // What the environment-variable provider makes of SHITHUB_RATELIMIT__API__ANON_PER_HOUR.
        Assert.Equal(30, From(("SHITHUB_RATELIMIT:API:ANON_PER_HOUR", "30")).ApiAnonPerHour);
        Assert.Equal(0, From(("ANVIL_RATELIMIT_PER_MINUTE", "0")).PerMinute);
        Assert.Equal(60, From(("ANVIL_RATELIMIT_PER_MINUTE", "lots")).PerMinute);
    }
}

public sealed class GitConcurrencyLimiterTests
{
    [Fact]
    public void Over_the_cap_is_a_503_with_retry_after_and_leases_give_their_slot_back_once()
    {
        var limiter = new GitConcurrencyLimiter(2);
        var first = limiter.Enter();
        using var second = limiter.Enter();
        var ctx = new DefaultHttpContext();
        var refused = Assert.Throws<AnvilException>(() => limiter.Enter(ctx.Response));
        Assert.Equal(FailureKind.Unavailable, refused.Kind);
        Assert.Equal(GitConcurrencyLimiter.RetryAfterSeconds.ToString(), ctx.Response.Headers.RetryAfter.ToString());
        Assert.Equal(2, limiter.Running);

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, limiter.Running);
        using var third = limiter.Enter();
        Assert.Throws<AnvilException>(() => limiter.Enter());
    }

    [Fact]
    public async Task Concurrent_entries_never_exceed_the_cap()
    {
        var limiter = new GitConcurrencyLimiter(3);
        var peak = 0;
        var admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var lease = limiter.Enter();
                Interlocked.Increment(ref admitted);
                var running = limiter.Running;
                InterlockedMax(ref peak, running);
                await Task.Yield();
            }
            catch (AnvilException)
            {
            }
        })));
        Assert.InRange(peak, 1, 3);
        Assert.InRange(admitted, 3, 50);
        Assert.Equal(0, limiter.Running);
    }

    [Fact]
    public void Zero_means_no_cap()
    {
        var limiter = new GitConcurrencyLimiter(0);
        var leases = Enumerable.Range(0, 100).Select(_ => limiter.Enter()).ToList();
        Assert.Equal(100, limiter.Running);
        leases.ForEach(l => l.Dispose());
        Assert.Equal(0, limiter.Running);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public sealed class WebSocketConnectionLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.1");
    private static readonly IPAddress B = IPAddress.Parse("203.0.113.2");

    [Fact]
    public void Each_address_gets_its_own_cap()
    {
        var limiter = new WebSocketConnectionLimiter(2);
        var a1 = limiter.TryOpen(A);
        var a2 = limiter.TryOpen(A);
        Assert.NotNull(a1);
        Assert.NotNull(a2);
        Assert.Null(limiter.TryOpen(A));
        Assert.NotNull(limiter.TryOpen(B));

        a1!.Dispose();
        a1.Dispose();
        Assert.Equal(1, limiter.OpenFrom(A));
        Assert.NotNull(limiter.TryOpen(A));
        Assert.Null(limiter.TryOpen(A));
    }

    [Fact]
    public void Over_the_cap_the_request_is_refused_with_429()
    {
        var limiter = new WebSocketConnectionLimiter(1);
        var services = new ServiceCollection()
            .AddSingleton(new ClientIpResolver([]))
            .BuildServiceProvider();
        var ctx = new DefaultHttpContext { RequestServices = services };
        ctx.Connection.RemoteIpAddress = A;
        using var open = limiter.Open(ctx);
        Assert.Equal(FailureKind.TooManyRequests, Assert.Throws<AnvilException>(() => limiter.Open(ctx)).Kind);
    }

    [Fact]
    public async Task Concurrent_opens_and_closes_balance_out()
    {
        var limiter = new WebSocketConnectionLimiter(5);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            using var lease = limiter.TryOpen(A);
        })));
        Assert.Equal(0, limiter.OpenFrom(A));
    }
}
