using Anvil.Server.Repositories;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>Who may be assigned to a repository's issues (GitHub's <c>…/assignees</c> routes).</summary>
public sealed partial class IssueService
{
    /// <summary>
    /// The repository's available assignees as GitHub lists them: its owner and collaborators. On a public repository
    /// any reader may be assigned too (<see cref="IsAssignableAsync"/>), but a list of every user would help no one.
    /// </summary>
    public async Task<Page<User>> ListAssigneesAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct)
    {
        var repo = grant.Repository;
        return await db.Users.AsNoTracking()
            .Where(u => u.Id == repo.OwnerId || db.Collaborators.Any(c => c.RepositoryId == repo.Id && c.UserId == u.Id))
            .OrderBy(u => u.Id).ToPageAsync(offset, limit, ct);
    }

    /// <summary>Whether <paramref name="username"/> could be assigned to an issue here: the rule assigning applies.</summary>
    public async Task<bool> IsAssignableAsync(RepositoryGrant grant, string username, CancellationToken ct)
    {
        var repo = grant.Repository;
        if (username.Length > 39)
        {
            return false;
        }
        var normalized = NameRules.Normalize(username);
        return await AssignableUsers(repo).AnyAsync(u => u.NormalizedUsername == normalized, ct);
    }
}
