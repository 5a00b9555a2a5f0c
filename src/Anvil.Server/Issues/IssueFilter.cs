using Anvil.Server.Infrastructure;

namespace Anvil.Server.Issues;

public enum IssueStateFilter
{
    Open,
    Closed,
    All,
}

/// <summary>List filters. <see cref="Labels"/> must all be on an issue; <see cref="Assignee"/> also takes "none" and "*".</summary>
/// <param name="Since">Only issues updated at or after it.</param>
/// <param name="Mentioned">Only issues that mentioned this user (a username).</param>
/// <param name="Order">GitHub's <c>sort</c> and <c>direction</c>; newest first by default.</param>
public sealed record IssueFilter(IssueStateFilter State, IReadOnlyList<string> Labels, string? Assignee, string? Creator, int? Before,
    DateTimeOffset? Since = null, string? Mentioned = null, IssueOrder? Order = null)
{
    public static readonly IssueFilter OpenIssues = new(IssueStateFilter.Open, [], null, null, null);

    public bool IsPlain => Labels.Count == 0 && Assignee is null && Creator is null && Before is null && Since is null && Mentioned is null;

    public static IssueStateFilter ParseState(string? state) => state switch
    {
        null or "" or "open" => IssueStateFilter.Open,
        "closed" => IssueStateFilter.Closed,
        "all" => IssueStateFilter.All,
        _ => throw AnvilException.Invalid("state must be one of open, closed, all"),
    };

    /// <summary>The state and <see cref="Since"/> conditions, which read the issue row alone.</summary>
    public IQueryable<Issue> ApplyStateAndSince(IQueryable<Issue> query)
    {
        query = State switch
        {
            IssueStateFilter.Open => query.Where(i => i.State == IssueState.Open),
            IssueStateFilter.Closed => query.Where(i => i.State == IssueState.Closed),
            _ => query,
        };
        if (Since is { } since)
        {
            var from = since.UtcDateTime;
            query = query.Where(i => i.UpdatedAt >= from);
        }
        return query;
    }

    public static IReadOnlyList<string> ParseLabels(string? labels) =>
        (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
