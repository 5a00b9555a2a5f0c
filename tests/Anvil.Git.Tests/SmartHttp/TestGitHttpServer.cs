using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Anvil.Git.Tests.SmartHttp;

/// <summary>
/// A minimal smart-HTTP server on 127.0.0.1 built on <see cref="HttpListener"/> that routes
/// <c>/&lt;owner&gt;/&lt;repo&gt;.git/…</c> to <see cref="SmartHttpService"/>, so tests can point a real git client at it.
/// </summary>
public sealed class TestGitHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly RepositoryStore _store;
    private readonly SmartHttpService _service;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly Task _acceptLoop;
    private int _gzipRequests;

    public TestGitHttpServer(RepositoryStore store, string hooksDir)
    {
        _store = store;
        _service = new SmartHttpService(hooksDir);
        (_listener, BaseUrl) = StartOnFreePort();
        _acceptLoop = AcceptLoop();
    }

    public string BaseUrl { get; }

    public ServiceOptions Options { get; set; } = ServiceOptions.Default;

    /// <summary>Results of every receive-pack POST, in completion order.</summary>
    public ConcurrentQueue<GitServiceResult> Pushes { get; } = new();

    /// <summary>Exceptions thrown by the library while handling requests; tests assert this stays empty.</summary>
    public ConcurrentQueue<Exception> Errors { get; } = new();

    public int GzipRequests => _gzipRequests;

    /// <summary>
    /// Completes when every request received so far has been handled. A git client can exit as soon as it has
    /// read the last byte, before the handler has recorded its result, so tests wait for this before looking.
    /// </summary>
    public Task Idle() => Task.WhenAll(_handlers.ToArray());

    public string UrlFor(long owner, long repo) => $"{BaseUrl}{owner}/{repo}.git";

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _handlers.Add(Task.Run(() => Handle(ctx)));
        }
    }

    private async Task Handle(HttpListenerContext ctx)
    {
        var response = ctx.Response;
        try
        {
            var segments = ctx.Request.Url!.AbsolutePath.Trim('/').Split('/');
            if (segments.Length < 3 || !long.TryParse(segments[0], out var owner) || !segments[1].EndsWith(".git")
                || !long.TryParse(segments[1][..^4], out var repo))
            {
                response.StatusCode = 404;
                return;
            }
            var gitDir = _store.PathFor(owner, repo);
            var rest = string.Join('/', segments[2..]);
            var protocol = ctx.Request.Headers["Git-Protocol"];
            response.SendChunked = true;
            response.AddHeader("Cache-Control", "no-cache");

            if (ctx.Request.HttpMethod == "GET" && rest == "info/refs"
                && GitService.TryParse(ctx.Request.QueryString["service"], out var advertised))
            {
                response.ContentType = advertised.AdvertisementContentType;
                await _service.AdvertiseRefsAsync(gitDir, advertised, protocol, response.OutputStream, Options, _stop.Token);
            }
            else if (ctx.Request.HttpMethod == "POST" && GitService.TryParse(rest, out var svc)
                && ctx.Request.ContentType == svc.RequestContentType)
            {
                var gzip = ctx.Request.Headers["Content-Encoding"] == "gzip";
                if (gzip)
                {
                    Interlocked.Increment(ref _gzipRequests);
                }
                response.ContentType = svc.ResultContentType;
                var result = await _service.RunServiceAsync(gitDir, svc, ctx.Request.InputStream, gzip, protocol,
                    response.OutputStream, Options, _stop.Token);
                if (svc == GitService.ReceivePack)
                {
                    Pushes.Enqueue(result);
                }
            }
            else
            {
                response.StatusCode = 404;
            }
        }
        catch (Exception e)
        {
            Errors.Enqueue(e);
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception)
            {
            }
        }
    }

    /// <summary>
    /// HttpListener cannot bind port 0, so ask the OS for a free port and use it; another test may grab the same
    /// port in between, hence the retries.
    /// </summary>
    private static (HttpListener, string) StartOnFreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var url = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return (listener, url);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        // Close only, not Stop then Close: on Linux a second removal re-binds the port to unregister it and can
        // collide with another test's listener.
        _listener.Close();
        await Task.WhenAll(_handlers.Append(_acceptLoop)).ContinueWith(_ => { });
    }
}
