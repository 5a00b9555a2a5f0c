using Anvil.Server.Infrastructure.Data;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;

namespace Anvil.Server.Web;

/// <summary>
/// A pull request read once per request. Its page asks for it from the conversation, the merge box, the check states and
/// the tabs; each read is several queries. The first goes through <see cref="PullRequestService.GetAsync"/> and so through
/// its access check; the later ones in the same request (the same viewer) reuse what it returned. Any write saved in the
/// request forgets it, so a page drawn after a form's write shows the pull request as it is now.
/// </summary>
public sealed class WebPullRequestLoads
{
    private readonly PullRequestService _pulls;
    private readonly RepositoryAccess _access;
    private readonly Dictionary<(string Owner, string Repo, int Number), PullRequestDetails> _loaded = [];

    public WebPullRequestLoads(PullRequestService pulls, RepositoryAccess access, AnvilDbContext db)
    {
        _pulls = pulls;
        _access = access;
        db.SavedChanges += (_, _) => _loaded.Clear();
    }

    public async Task<PullRequestDetails> GetAsync(string owner, string repo, int number, CancellationToken ct)
    {
        if (_loaded.TryGetValue((owner, repo, number), out var loaded))
        {
            return loaded;
        }
        var pr = await _pulls.GetAsync(await _access.ReadAsync(owner, repo, ct), number, ct);
        _loaded[(owner, repo, number)] = pr;
        return pr;
    }
}
