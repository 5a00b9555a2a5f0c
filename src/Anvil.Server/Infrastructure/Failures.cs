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
    /// <summary>A name already taken (repository, label). 409 on the sigmagit surface; on v1 GitHub's 422 with <c>code: already_exists</c>.</summary>
    AlreadyExists,
    /// <summary>A pull request whose branches cannot be merged (conflict, nothing to merge). 409 on the sigmagit surface, 405 on v1 as on GitHub.</summary>
    Unmergeable,
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

    /// <summary>What was wrong, for GitHub's <c>errors: [{resource, field, code}]</c> on a v1 422; null where nothing more is known.</summary>
    public FieldError? Field { get; private init; }

    /// <summary>GitHub's own text for this failure, where clients key on it (the v1 body's <c>message</c>); null to use the status's.</summary>
    public string? GitHubMessage { get; init; }

    public static AnvilException BadRequest(string message) => new(FailureKind.BadRequest, message);
    public static AnvilException Invalid(string message) => new(FailureKind.Validation, message);
    /// <summary>A well-formed value the rules refuse: <paramref name="field"/> of <paramref name="resource"/> (GitHub's resource name: <c>Repository</c>, <c>Label</c>, …).</summary>
    public static AnvilException Invalid(string resource, string field, string message) =>
        new(FailureKind.Validation, message) { Field = new FieldError(resource, field, FieldError.InvalidCode) };
    /// <summary>A required <paramref name="field"/> of <paramref name="resource"/> was not given (GitHub's <c>missing_field</c>).</summary>
    public static AnvilException Missing(string resource, string field, string message) =>
        new(FailureKind.Validation, message) { Field = new FieldError(resource, field, FieldError.MissingFieldCode) };
    /// <summary>The <paramref name="field"/> of <paramref name="resource"/> names something that already exists.</summary>
    public static AnvilException Taken(string resource, string field, string message) =>
        new(FailureKind.AlreadyExists, message) { Field = new FieldError(resource, field, FieldError.AlreadyExistsCode) };
    public static AnvilException Unmergeable(string message) => new(FailureKind.Unmergeable, message) { GitHubMessage = NotMergeableText };
    /// <summary>A body that is not the JSON it should be (GitHub's "Problems parsing JSON").</summary>
    public static AnvilException MalformedJson(string message) => new(FailureKind.BadRequest, message) { GitHubMessage = "Problems parsing JSON" };

    /// <summary>GitHub's message for every refused merge (405).</summary>
    public const string NotMergeableText = "Pull Request is not mergeable";
    public static AnvilException Unauthorized(string message = "authentication required") => new(FailureKind.Unauthorized, message);
    public static AnvilException Forbidden(string message) => new(FailureKind.Forbidden, message);
    public static AnvilException NotFound(string what = "not found") => new(FailureKind.NotFound, what);
    public static AnvilException MissingScope(string scope) =>
        new(FailureKind.Forbidden, $"token lacks required scope: {scope}") { RequiredScope = scope };
    public static AnvilException Conflict(string message) => new(FailureKind.Conflict, message);
}

/// <summary>One entry of GitHub's validation <c>errors</c>: which field of which resource, and GitHub's code for what is wrong with it.</summary>
public sealed record FieldError(string Resource, string Field, string Code)
{
    public const string InvalidCode = "invalid";
    public const string AlreadyExistsCode = "already_exists";
    public const string MissingFieldCode = "missing_field";
}
