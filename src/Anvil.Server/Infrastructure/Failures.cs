namespace Anvil.Server.Infrastructure;

/// <summary>
/// What a domain service says when it refuses. Services know nothing of HTTP; the conventions
/// middleware is the one place that turns a failure kind into a status code.
/// </summary>
public enum FailureKind
{
    /// <summary>Malformed request: missing field, wrong type, bad syntax. 400 everywhere.</summary>
    BadRequest,
    /// <summary>Well-formed but semantically invalid. 400 on the sigmagit surface, 422 on v1 (GitHub's convention).</summary>
    Validation,
    Unauthorized,
    Forbidden,
    /// <summary>Missing, or private and not visible to the caller.</summary>
    NotFound,
    Conflict,
    PayloadTooLarge,
    /// <summary>The action is not allowed in the resource's current state (e.g. merging a closed pull request).</summary>
    NotAllowed,
    TooManyRequests,
    Unavailable,
    /// <summary>Existed, and is gone for good (an expired artifact). 410.</summary>
    Gone,
    /// <summary>The body's Content-Type is not one this request may use. 415.</summary>
    UnsupportedMediaType,
}

public sealed class AnvilException(FailureKind kind, string message) : Exception(message)
{
    public FailureKind Kind { get; } = kind;

    /// <summary>For a token lacking a scope: the scope the action needs (sent as <c>X-Accepted-OAuth-Scopes</c>).</summary>
    public string? RequiredScope { get; private init; }

    public static AnvilException BadRequest(string message) => new(FailureKind.BadRequest, message);
    public static AnvilException Invalid(string message) => new(FailureKind.Validation, message);
    public static AnvilException Unauthorized(string message = "authentication required") => new(FailureKind.Unauthorized, message);
    public static AnvilException Forbidden(string message) => new(FailureKind.Forbidden, message);
    public static AnvilException NotFound(string what = "not found") => new(FailureKind.NotFound, what);
    public static AnvilException MissingScope(string scope) =>
        new(FailureKind.Forbidden, $"token lacks required scope: {scope}") { RequiredScope = scope };
    public static AnvilException Conflict(string message) => new(FailureKind.Conflict, message);
}
