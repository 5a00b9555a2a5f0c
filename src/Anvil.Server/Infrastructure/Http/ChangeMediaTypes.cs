using Anvil.Git.Reading;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>
/// GitHub's media types for a change as text: <c>Accept: application/vnd.github.diff</c> (or <c>.v3.diff</c>) and
/// <c>.patch</c> on a pull request or a commit answer git's diff or patch instead of JSON.
/// </summary>
public static class ChangeMediaTypes
{
    /// <summary>The text format the request's <c>Accept</c> asks for, or null for the JSON answer.</summary>
    public static ChangeText? Requested(HttpRequest request)
    {
        foreach (var value in request.Headers.Accept)
        {
            foreach (var part in (value ?? "").Split(','))
            {
                var type = part.Split(';')[0].Trim().ToLowerInvariant();
                if (type is "application/vnd.github.diff" or "application/vnd.github.v3.diff")
                {
                    return ChangeText.Diff;
                }
                if (type is "application/vnd.github.patch" or "application/vnd.github.v3.patch")
                {
                    return ChangeText.Patch;
                }
            }
        }
        return null;
    }

    /// <summary>The text, typed as GitHub types it.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Answer(byte[] text, ChangeText format) =>
        TypedResults.Bytes(text, format == ChangeText.Diff ? "application/vnd.github.diff; charset=utf-8" : "application/vnd.github.patch; charset=utf-8");
}
