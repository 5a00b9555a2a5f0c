namespace Anvil.Web.Ports;

/// <summary>
/// What a pull request's other tabs (Commits, Files changed, Checks) show above themselves: the repository header, the
/// title, state and branches, from the same reads (and access checks) as the conversation, without reading the
/// conversation itself.
/// </summary>
public interface IWebIssueHeads
{
    /// <summary>The issue or pull request as <see cref="IWebIssues.GetAsync"/> has it, with no timeline and no sidebar choices.</summary>
    Task<IssueView> GetHeadAsync(string owner, string repo, int number, CancellationToken ct);
}
