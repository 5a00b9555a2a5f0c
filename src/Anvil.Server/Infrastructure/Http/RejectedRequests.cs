using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>
/// Requests Kestrel cannot take — a bad request line, <c>%00</c> in the path, a URL or headers over its limits, headers
/// that never finish — are answered by Kestrel itself before any middleware runs, with a bare status and no body, and
/// there is no hook to change that answer. So each connection's output passes through <see cref="EnvelopingWriter"/>,
/// and Kestrel's own "bad request" diagnostic event, raised on the connection's flow just before it writes that answer,
/// tells the writer to send Anvil's instead: the same status, the <c>{"error": …}</c> envelope, <c>X-Request-Id</c> and
/// <c>Cache-Control: no-store</c>. Every other byte passes straight through.
/// </summary>
public static class RejectedRequests
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    /// <summary>The current connection's writer, set by the connection middleware and read by the event observer.</summary>
    private static readonly AsyncLocal<ConnectionOutput?> Current = new();

    private static readonly ConditionalWeakTable<DiagnosticListener, IDisposable> Subscriptions = new();

    /// <summary>Envelopes Kestrel's own rejections on the connections of <paramref name="listen"/>.</summary>
    public static void UseEnvelopeForRejections(this ListenOptions listen)
    {
        // One subscription per server: tests run many in one process, each with its own listener.
        if (listen.ApplicationServices.GetService<DiagnosticListener>() is { } listener)
        {
            Subscriptions.GetValue(listener, l => l.Subscribe(new Observer(), name => name == BadRequestEvent));
        }
        var publicUrl = listen.ApplicationServices.GetService<AnvilOptions>()?.PublicUrl;
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            var writer = new EnvelopingWriter(original.Output);
            // Without a configured public URL, the address the client reached (its Host header may not have been read).
            var output = new ConnectionOutput(writer, publicUrl ?? (connection.LocalEndPoint is { } local ? "http://" + local : null));
            connection.Transport = new Duplex(original.Input, writer);
            Current.Value = output;
            try
            {
                await next(connection);
            }
            finally
            {
                // Anything that captured this flow (a timer started by a request) must not keep the connection alive.
                output.Writer = null;
                connection.Transport = original;
            }
        });
    }

    private sealed class ConnectionOutput(EnvelopingWriter writer, string? baseUrl)
    {
        public EnvelopingWriter? Writer { get; set; } = writer;

        /// <summary>The base URL for the v1 body's documentation link.</summary>
        public string? BaseUrl { get; } = baseUrl;
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class Observer : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != BadRequestEvent || value.Value is not IFeatureCollection features || Current.Value is not { Writer: { } writer } output)
            {
                return;
            }
            var response = features.Get<IHttpResponseFeature>();
            if (response is null || response.HasStarted)
            {
                return; // the app already answered (a body read failed after it); Kestrel only closes the connection
            }
            var request = features.Get<IHttpRequestFeature>();
            // Only plain HTTP/1.x bytes can be rewritten: HTTP/2 answers are frames, and on a TLS endpoint the writer
            // sits outside the encryption (endpoint defaults come before UseHttps). Anvil's TLS is terminated by the
            // proxy in front of it; a TLS endpoint of Kestrel's own keeps Kestrel's bare answers.
            if (features.Get<ITlsConnectionFeature>() is not null
                || (request is not null && (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))))
            {
                return;
            }
            var status = features.Get<IBadRequestExceptionFeature>()?.Error is Microsoft.AspNetCore.Http.BadHttpRequestException e ? e.StatusCode : response.StatusCode;
            writer.ReplaceNextResponse(Envelope(status, request, response.Headers, output.BaseUrl));
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    private static byte[] Envelope(int status, IHttpRequestFeature? request, IHeaderDictionary kestrelHeaders, string? baseUrl)
    {
        // The headers of a rejected request may be cut short or missing; whatever was read of them is all there is.
        var requestId = ConventionsMiddleware.RequestIdFor(request?.Headers["X-Request-Id"].ToString());
        var path = request?.Path ?? "";
        baseUrl ??= "http://localhost";
        var body = ErrorBodies.Build(new ErrorBodies.Failure(status, ConventionsMiddleware.ReasonFor(status),
            Surfaces.IsV1(path), baseUrl, path, request?.Headers.Authorization.Count > 0));
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append(' ').Append(ReasonPhrases.GetReasonPhrase(status)).Append("\r\n")
            .Append("Content-Type: ").Append(ErrorBodies.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Cache-Control: no-store\r\n")
            .Append("X-Request-Id: ").Append(requestId).Append("\r\n")
            .Append("Date: ").Append(DateTime.UtcNow.ToString("r")).Append("\r\n")
            .Append("Connection: close\r\n");
        if (kestrelHeaders.Allow.ToString() is { Length: > 0 } allow)
        {
            head.Append("Allow: ").Append(allow).Append("\r\n");
        }
        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        return HttpMethods.IsHead(request?.Method ?? "") ? headBytes : [.. headBytes, .. body];
    }

    /// <summary>
    /// The connection's output as Kestrel writes it. Until told otherwise every call goes straight to the transport;
    /// once <see cref="ReplaceNextResponse"/> is called (Kestrel is about to write its bare rejection, the last bytes
    /// of the connection), what Kestrel writes is dropped and the envelope is sent at its flush instead.
    /// </summary>
    private sealed class EnvelopingWriter(PipeWriter inner) : PipeWriter
    {
        private ArrayBufferWriter<byte>? _dropped;
        private byte[]? _replacement;

        public void ReplaceNextResponse(byte[] response)
        {
            _dropped = new ArrayBufferWriter<byte>();
            _replacement = response;
        }

        public override void Advance(int bytes)
        {
            if (_dropped is null)
            {
                inner.Advance(bytes);
            }
            else
            {
                _dropped.Advance(bytes);
            }
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _dropped?.GetMemory(sizeHint) ?? inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _dropped is null ? inner.GetSpan(sizeHint) : _dropped.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            WriteReplacement();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            if (exception is null)
            {
                WriteReplacement();
            }
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            if (exception is null)
            {
                WriteReplacement();
            }
            return inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => _dropped?.WrittenCount ?? inner.UnflushedBytes;

        private void WriteReplacement()
        {
            if (_replacement is { } replacement)
            {
                _replacement = null;
                inner.Write(replacement);
            }
            _dropped?.ResetWrittenCount();
        }
    }
}
