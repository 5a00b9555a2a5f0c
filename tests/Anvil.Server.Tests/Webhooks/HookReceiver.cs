using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Anvil.Server.Tests.Webhooks;

/// <summary>A real HTTP receiver on loopback that records every request and answers as told.</summary>
public sealed class HookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
        public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : throw new Xunit.Sdk.XunitException($"no {name} header in {string.Join(", ", Headers.Keys)}");
        public string Event => Header("X-GitHub-Event");
        /// <summary>The payload as JSON, for both content types.</summary>
        public JsonNode Json => JsonNode.Parse(Text.StartsWith("payload=", StringComparison.Ordinal)
            ? Uri.UnescapeDataString(Text["payload=".Length..].Replace('+', ' '))
            : Text)!;
    }

    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication _app = null!;

    /// <summary>Chooses the status code for each request (default 200).</summary>
    public Func<Received, int> Respond { get; set; } = _ => 200;
    public Uri BaseUri { get; private set; } = null!;
    public IReadOnlyCollection<Received> All => _received.ToArray();

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    public static async Task<HookReceiver> StartAsync()
    {
        var receiver = new HookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(async ctx =>
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var received = new Received(ctx.Request.Path.Value ?? "", headers, buffer.ToArray());
            receiver._received.Enqueue(received);
            ctx.Response.StatusCode = receiver.Respond(received);
            ctx.Response.Headers["X-Receiver"] = "test";
            await ctx.Response.WriteAsync("thanks");
        });
        await app.StartAsync();
        receiver._app = app;
        receiver.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>Waits (up to 20 s) for a request matching <paramref name="match"/>.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        // Generous: delivery runs in the background, and on a machine busy with other builds it can take many seconds.
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"never received {what}; got: {string.Join("; ", _received.Select(r => $"{r.Path} {r.Headers.GetValueOrDefault("X-GitHub-Event")}"))}");
    }

    /// <summary>A webhook request with <paramref name="eventName"/> for <paramref name="path"/>.</summary>
    public Task<Received> WaitForEventAsync(string path, string eventName, Func<JsonNode, bool>? match = null) =>
        WaitForAsync(r => r.Path == path && r.Headers.GetValueOrDefault("X-GitHub-Event") == eventName && (match is null || match(r.Json)),
            $"{eventName} on {path}");

    public IEnumerable<Received> On(string path) => _received.Where(r => r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
