using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Webhooks;

/// <summary>What to send: everything the wire request is made of.</summary>
public sealed record OutgoingWebhook(string Url, string Event, Guid DeliveryGuid, long? HookId, string Payload, string ContentType,
    string? Secret, bool InsecureSsl);

/// <summary>How one attempt went.</summary>
public sealed record AttemptResult(int? StatusCode, string? Error, bool Refused, IReadOnlyDictionary<string, string> RequestHeaders,
    IReadOnlyDictionary<string, string> ResponseHeaders, string? ResponseBody, long DurationMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends one webhook request: GitHub's headers and signature, a hard timeout, no redirects, and a
/// socket that only ever connects to an address <see cref="OutboundAddressPolicy"/> accepted.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const int MaxResponseBodyChars = 64 * 1024;
    public static readonly string UserAgent = "Anvil-Hookshot/" +
        (typeof(WebhookSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly HttpClient _verifying;
    private readonly HttpClient _insecure;
    private readonly OutboundAddressPolicy _policy;

    public WebhookSender(AnvilOptions options)
    {
        _policy = new OutboundAddressPolicy(options.WebhookAllowHosts);
        _verifying = new HttpClient(CreateHandler(verifyTls: true), disposeHandler: true) { Timeout = options.WebhookTimeout };
        _insecure = new HttpClient(CreateHandler(verifyTls: false), disposeHandler: true) { Timeout = options.WebhookTimeout };
    }

    private SocketsHttpHandler CreateHandler(bool verifyTls)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false, // a proxy would connect on our behalf, past the address check
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = ConnectCheckedAsync,
        };
        if (!verifyTls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        }
        return handler;
    }

    /// <summary>Resolves, checks, then connects to the checked address itself: the check and the connection see the same IP.</summary>
    private async ValueTask<Stream> ConnectCheckedAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await _policy.ResolveAsync(context.DnsEndPoint.Host, ct);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task<AttemptResult> SendAsync(OutgoingWebhook hook, CancellationToken ct)
    {
        var body = hook.ContentType == "form"
            ? Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(hook.Payload))
            : Encoding.UTF8.GetBytes(hook.Payload);
        var headers = new Dictionary<string, string>
        {
            ["Accept"] = "*/*",
            ["User-Agent"] = UserAgent,
            ["X-GitHub-Event"] = hook.Event,
            ["X-GitHub-Delivery"] = hook.DeliveryGuid.ToString(),
            ["X-Anvil-Event"] = hook.Event,
            ["X-Anvil-Delivery"] = hook.DeliveryGuid.ToString(),
            ["Content-Type"] = hook.ContentType == "form" ? "application/x-www-form-urlencoded" : "application/json",
        };
        if (hook.HookId is { } hookId)
        {
            headers["X-GitHub-Hook-ID"] = hookId.ToString();
            headers["X-GitHub-Hook-Installation-Target-Type"] = "repository";
        }
        if (!string.IsNullOrEmpty(hook.Secret))
        {
            headers["X-Hub-Signature-256"] = Signature(hook.Secret, body);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
            foreach (var (name, value) in headers)
            {
                if (name == "Content-Type")
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
            using var response = await (hook.InsecureSsl ? _insecure : _verifying).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var responseHeaders = response.Headers.Concat(response.Content.Headers)
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)));
            var excerpt = await ReadExcerptAsync(response.Content, ct);
            var code = (int)response.StatusCode;
            return new AttemptResult(code, null, false, headers, responseHeaders, excerpt, clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OutboundAddressRefusedException or IOException
                                   or SocketException or UriFormatException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            var refused = Find<OutboundAddressRefusedException>(e);
            var message = refused?.Message
                ?? (e is TaskCanceledException ? $"timed out after {_verifying.Timeout.TotalSeconds:0.#} s" : Innermost(e).Message);
            return new AttemptResult(null, message, refused is not null, headers, new Dictionary<string, string>(), null, clock.ElapsedMilliseconds);
        }
    }

    private static async Task<string> ReadExcerptAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxResponseBodyChars];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return new string(buffer, 0, read);
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    public static string HeadersJson(IReadOnlyDictionary<string, string> headers) => JsonSerializer.Serialize(headers);

    public void Dispose()
    {
        _verifying.Dispose();
        _insecure.Dispose();
    }
}
