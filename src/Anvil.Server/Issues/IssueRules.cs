using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Issues;

public static class IssueRules
{
    public const int MaxTitle = 256;
    public const int MaxBody = 65_536;
    /// <summary>GitHub's <c>lock_reason</c> values (null: locked without one).</summary>
    public static string? ValidLockReason(string? reason) => reason switch
    {
        null or "off-topic" or "too heated" or "resolved" or "spam" => reason,
        _ => throw AnvilException.Invalid("Issue", "lock_reason", "lock_reason must be one of off-topic, too heated, resolved, spam"),
    };

    /// <summary>GitHub's limit of assignees on one issue.</summary>
    public const int MaxAssignees = 10;

    public static string ValidTitle(string? title)
    {
        var t = title?.Trim() ?? throw AnvilException.BadRequest("title is required");
        return t.Length is >= 1 and <= MaxTitle ? t : throw AnvilException.Invalid($"title must be 1 to {MaxTitle} characters");
    }

    public static string ValidBody(string? body, bool required = false)
    {
        if (body is null && required)
        {
            throw AnvilException.BadRequest("body is required");
        }
        var b = body ?? "";
        if (required && b.Trim().Length == 0)
        {
            throw AnvilException.Invalid("body must not be empty");
        }
        return b.Length <= MaxBody ? b : throw AnvilException.Invalid($"body must be at most {MaxBody} characters");
    }

    public static IssueState ParseState(string state) => state switch
    {
        "open" => IssueState.Open,
        "closed" => IssueState.Closed,
        _ => throw AnvilException.Invalid("state must be 'open' or 'closed'"),
    };

    public static string Name(IssueState state) => state == IssueState.Open ? "open" : "closed";

    // GitHub's state_reason: why an issue was last closed, or that it was reopened.
    public const string Completed = "completed";
    public const string NotPlanned = "not_planned";
    public const string Reopened = "reopened";

    public static string? ParseStateReason(string? reason) => reason switch
    {
        null => null,
        Completed or NotPlanned or Reopened => reason,
        _ => throw AnvilException.Invalid($"state_reason must be one of {Completed}, {NotPlanned}, {Reopened}"),
    };

    /// <summary>What a close records: <c>not_planned</c> when asked, otherwise <c>completed</c> (a close is never "reopened").</summary>
    public static string CloseReason(string? asked) => asked == NotPlanned ? NotPlanned : Completed;

    // ---- who may do what (the services enforce these; pages ask them to show only the buttons that work) ----

    /// <summary>Title and body: collaborators, and the author while the issue is not locked.</summary>
    public static bool MayEdit(RepositoryGrant grant, Issue issue, User user) => grant.CanWrite || (issue.AuthorId == user.Id && !issue.Locked);

    /// <summary>Closing and reopening: collaborators and the author.</summary>
    public static bool MayChangeState(RepositoryGrant grant, Issue issue, User user) => grant.CanWrite || issue.AuthorId == user.Id;

    /// <summary>Labels, assignees and the lock: collaborators only.</summary>
    public static bool MayTriage(RepositoryGrant grant) => grant.CanWrite;

    /// <summary>A comment: collaborators moderate any; its author edits and deletes it while the issue is not locked.</summary>
    public static bool MayModerate(RepositoryGrant grant, Issue issue, IssueComment comment, User user) =>
        MayModerate(grant, issue, comment.AuthorId, user);

    /// <summary>The same rule for any comment on the issue (a pull request's review comments too), by its author's id.</summary>
    public static bool MayModerate(RepositoryGrant grant, Issue issue, long commentAuthorId, User user) =>
        grant.CanWrite || (commentAuthorId == user.Id && !issue.Locked);
}
