using Anvil.Git.Reading;
using Anvil.Git;
using Anvil.Server.Repositories;

namespace Anvil.Server.Checks;

/// <summary>
/// The commit a GitHub-style <c>{ref}</c> of the checks and statuses routes names: a full or short sha, a branch or a tag
/// (branches win, as git's lookup has it). Null when it names nothing, or is no plain name.
/// </summary>
public sealed class CommitRefs(RepositoryStore store, GitReader reader)
{
    public async Task<string?> ResolveAsync(Repository repo, string gitRef, CancellationToken ct)
    {
        try
        {
            return await reader.ResolveAsync(store.Open(repo).GitDir, gitRef, ct);
        }
        catch (GitInputException)
        {
            return null;
        }
    }
}
