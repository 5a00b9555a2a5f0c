using Microsoft.AspNetCore.WebUtilities;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>Endpoint metadata: this route accepts bodies up to <see cref="Bytes"/> (null = no cap, for git).</summary>
public sealed record BodyLimit(long? Bytes)
{
    public const long Default = 256 * 1024;
}

/// <summary>
/// The conventions every response follows, both surfaces: request ids, no-store caching, the body
/// cap, and the <c>{"error": …}</c> envelope for every failure — including ones the framework
/// produces itself (unknown route, wrong method, oversized body) and unexpected exceptions.
/// </summary>
public sealed partial class ConventionsMiddleware(RequestDelegate next, ILogger<ConventionsMiddleware> log, AnvilOptions options)
{
    [GeneratedRegex("^[a-z0-9/:_-]{1,128}$")]
    private static partial Regex RequestIdPattern();

    /// <summary>The id of a request: the client's <c>X-Request-Id</c> when it is a sane one, else a fresh random one.</summary>
    public static string RequestIdFor(string? given) =>
        given is not null && RequestIdPattern().IsMatch(given) ? given : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task InvokeAsync(HttpContext ctx)
    {
        var requestId = RequestIdFor(ctx.Request.Headers["X-Request-Id"].ToString());
        ctx.TraceIdentifier = requestId;
        ctx.Response.Headers["X-Request-Id"] = requestId;
        var isApi = Surfaces.IsApi(ctx);
        ctx.Response.OnStarting(() =>
        {
            // An answer from the response cache arrives with the headers of the request that computed it.
            ctx.Response.Headers["X-Request-Id"] = requestId;
            if (isApi && !ctx.Response.Headers.ContainsKey("Cache-Control"))
            {
                ctx.Response.Headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        });

        var limit = ctx.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } metadata ? metadata.Bytes : BodyLimit.Default;
        var sizeFeature = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // Kestrel's cap sits a drain budget above ours: our stream refuses first, the rest can be drained.
            sizeFeature.MaxRequestBodySize = limit + DrainBudget;
        }
        if (limit is not null)
        {
            ctx.Request.Body = new LimitedBodyStream(ctx.Request.Body, limit.Value);
        }

        using var _ = log.BeginScope(new Operations.RequestIdScope(requestId));
        try
        {
            if (limit is not null && ctx.Request.ContentLength > limit)
            {
                throw new AnvilException(FailureKind.PayloadTooLarge, $"request body exceeds {limit} bytes");
            }
            await next(ctx);
            if (!ctx.Response.HasStarted && ctx.Response.StatusCode >= 400 && ctx.Response.ContentLength is null
                && string.IsNullOrEmpty(ctx.Response.ContentType))
            {
                // The framework's own bare failures (404 no route, 405 wrong method) get the envelope too, or a page.
                await WriteErrorAsync(ctx, ctx.Response.StatusCode, ReasonFor(ctx.Response.StatusCode));
            }
        }
        catch (AnvilException e)
        {
            if (e.Kind == FailureKind.PayloadTooLarge)
            {
                await DrainAsync(ctx);
            }
            if (e.RequiredScope is not null && !ctx.Response.HasStarted)
            {
                ctx.Response.Headers["X-Accepted-OAuth-Scopes"] = e.RequiredScope;
            }
            await WriteFailureAsync(ctx, e.Kind, e.Message, e);
        }
        catch (BadHttpRequestException e)
        {
            var kind = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? FailureKind.PayloadTooLarge : FailureKind.BadRequest;
            await WriteFailureAsync(ctx, kind, kind == FailureKind.PayloadTooLarge ? "request body is too large" : "bad request");
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            log.LogError(e, "unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            if (!ctx.Response.HasStarted)
            {
                ctx.Response.Clear();
                ctx.Response.Headers["X-Request-Id"] = requestId;
                await WriteErrorAsync(ctx, 500, "internal server error");
            }
        }
    }

    /// <summary>How much of an oversized body is read and discarded so the client sees the 413 (beyond it, the connection closes).</summary>
    private const long DrainBudget = 4 * 1024 * 1024;

    private static async Task DrainAsync(HttpContext ctx)
    {
        var body = ctx.Request.Body is LimitedBodyStream limited ? limited.Inner : ctx.Request.Body;
        if (ctx.Request.ContentLength > (ctx.Request.Body as LimitedBodyStream)?.Limit + DrainBudget)
        {
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var buffer = new byte[16 * 1024];
            while (await body.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // Over budget or the client gave up: the connection will simply close.
        }
    }

    private async Task WriteFailureAsync(HttpContext ctx, FailureKind kind, string message, AnvilException? cause = null)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }
        var v1 = Surfaces.Of(ctx) == ApiSurface.V1;
        var status = StatusFor(kind, v1);
        if (Anvil.Web.Rendering.WebHeaders.WantsHtml(ctx.Request))
        {
            await Anvil.Web.Rendering.ErrorPage.WriteAsync(ctx, status, message);
            return;
        }
        if (status == 401 && !ctx.Response.Headers.ContainsKey("WWW-Authenticate"))
        {
            ctx.Response.Headers.WWWAuthenticate = v1
                ? $"Bearer realm=\"{options.InstanceName}\", error=\"invalid_token\""
                : $"Bearer realm=\"{options.InstanceName}\"";
        }
        await ApiJson.WriteErrorAsync(ctx, status, message, cause);
    }

    /// <summary>The error envelope, or for a browser asking for a page outside the APIs the styled error page.</summary>
    private static Task WriteErrorAsync(HttpContext ctx, int status, string message) =>
        Anvil.Web.Rendering.WebHeaders.WantsHtml(ctx.Request)
            ? Anvil.Web.Rendering.ErrorPage.WriteAsync(ctx, status, message)
            : ApiJson.WriteErrorAsync(ctx, status, message);

    public static int StatusFor(FailureKind kind, bool v1) => kind switch
    {
        FailureKind.BadRequest => 400,
        FailureKind.Validation => v1 ? 422 : 400,
        FailureKind.Unauthorized => 401,
        FailureKind.Forbidden => 403,
        FailureKind.NotFound => 404,
        FailureKind.NotAllowed => 405,
        FailureKind.Conflict => 409,
        FailureKind.AlreadyExists => v1 ? 422 : 409,
        FailureKind.Unmergeable => v1 ? 405 : 409,
        FailureKind.Gone => 410,
        FailureKind.PayloadTooLarge => 413,
        FailureKind.UnsupportedMediaType => 415,
        FailureKind.TooManyRequests => 429,
        FailureKind.Unavailable => 503,
        _ => 500,
    };

    /// <summary>The envelope's message for a failure the framework or server produced, which carries none.</summary>
    public static string ReasonFor(int status) => status switch
    {
        404 => "not found",
        405 => "method not allowed",
        415 => "unsupported media type",
        _ => ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant() is { Length: > 0 } r ? r : "error",
    };
}
