using System.Text.Json;
using System.Text.Json.Serialization;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>
/// The one place error bodies are built. Both surfaces carry <c>{"error": …}</c>; v1 adds what GitHub clients read:
/// <c>message</c> (GitHub's own text where clients key on it — Octokit and PyGithub pick their exception types by
/// status and by this text), <c>documentation_url</c> and, on a 422, <c>errors: [{resource, field, code}]</c>.
/// </summary>
public static class ErrorBodies
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>What a failed request was, as far as its error body needs to know.</summary>
    /// <param name="CredentialsSent">Whether the request carried credentials: a 401 is then "Bad credentials", else "Requires authentication".</param>
    public sealed record Failure(int Status, string Message, bool V1, string BaseUrl, string Path, bool CredentialsSent, AnvilException? Cause = null);

    public static Failure Of(HttpContext ctx, int status, string message, AnvilException? cause = null) =>
        new(status, message, Surfaces.Of(ctx) == ApiSurface.V1, ctx.PublicBaseUrl(), ctx.Request.Path.Value ?? "",
            ctx.Request.Headers.Authorization.Count > 0, cause);

    public static byte[] Build(Failure f) => f.V1
        ? JsonSerializer.SerializeToUtf8Bytes(new V1Error(f.Message, MessageFor(f), f.BaseUrl + "/docs", ErrorsFor(f)), Json)
        : JsonSerializer.SerializeToUtf8Bytes(new SigmagitError(f.Message), Json);

    /// <summary>GitHub's text for the failure: the cause's own where it has one, else the status's where clients key on it, else ours.</summary>
    private static string MessageFor(Failure f) => f.Cause?.GitHubMessage ?? f.Status switch
    {
        401 => f.CredentialsSent ? "Bad credentials" : "Requires authentication",
        404 => "Not Found",
        422 => "Validation Failed",
        429 => "API rate limit exceeded",
        _ => f.Message,
    };

    private static List<V1FieldError>? ErrorsFor(Failure f)
    {
        if (f.Status != 422)
        {
            return null;
        }
        // Without a named field GitHub answers a "custom" error carrying the message.
        return f.Cause?.Field is { } field
            ? [new V1FieldError(field.Resource, field.Field, field.Code, null)]
            : [new V1FieldError(ResourceOf(f.Path), null, "custom", f.Message)];
    }

    /// <summary>GitHub's resource name for what a v1 path works on.</summary>
    public static string ResourceOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /api/v1/repos/{o}/{r}/<collection>/…: the collection names it; /api/v1/user/repos and /repos/{o}/{r} are repositories.
        var collection = segments is ["api", "v1", "repos", _, _, var c, ..] ? c : segments.Length > 3 && segments[2] == "user" ? segments[3] : "";
        return collection switch
        {
            "issues" => "Issue",
            "pulls" => "PullRequest",
            "labels" => "Label",
            "hooks" => "Hook",
            "check-runs" => "CheckRun",
            "check-suites" => "CheckSuite",
            "git" => "Git",
            "contents" => "Content",
            "actions" => "Actions",
            "keys" or "tokens" => "Token",
            _ => "Repository",
        };
    }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private sealed record SigmagitError([property: JsonPropertyName("error")] string Error);

    private sealed record V1Error(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("documentation_url")] string DocumentationUrl,
        [property: JsonPropertyName("errors")] List<V1FieldError>? Errors);

    private sealed record V1FieldError(
        [property: JsonPropertyName("resource")] string Resource,
        [property: JsonPropertyName("field")] string? Field,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("message")] string? Message);
}
