using System.Text.Json.Nodes;
using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Browsing;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>
/// GitHub's <c>status</c> event, sent when a commit status is posted: the status's fields, the commit as
/// <c>GET /commits/{sha}</c> shows it, and the branches that contain the commit.
/// </summary>
public sealed class StatusWebhooks(WebhookQueue queue, WebhookPayloads payloads, AnvilDbContext db, RepositoryStore store, GitReader reader,
    BrowsingService browsing) : IDomainEventHandler<CommitStatusCreated>
{
    public const string EventName = "status";

    /// <summary>GitHub lists at most this many branches in a status payload.</summary>
    public const int MaxBranches = 10;

    public async Task HandleAsync(CommitStatusCreated evt, CancellationToken ct)
    {
        var repo = await db.Repositories.AsNoTracking().Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .FirstOrDefaultAsync(r => r.Id == evt.RepositoryId, ct);
        if (repo is null || !await queue.HasListenersAsync(repo, [EventName], ct))
        {
            return; // deleted meanwhile, or nobody listens: reading the commit and its branches costs git processes
        }
        var status = await db.CommitStatuses.AsNoTracking().Include(s => s.Creator).FirstOrDefaultAsync(s => s.Id == evt.StatusId, ct);
        var sender = status?.Creator ?? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == evt.SenderId, ct);
        var gitDir = store.Open(repo).GitDir;
        if (status is null || sender is null || await reader.GetCommitAsync(gitDir, status.Sha, ct) is not { } commit)
        {
            return; // the repository's history or the account went away meanwhile
        }
        var baseUrl = payloads.BaseUrl;
        var links = new BrowsingV1Views.Links(baseUrl, repo);
        var view = status.ToView(repo, baseUrl);
        var branches = await reader.BranchesContainingAsync(gitDir, status.Sha, MaxBranches, ct);
        var fields = new JsonObject
        {
            ["id"] = status.Id,
            ["sha"] = status.Sha,
            ["name"] = $"{repo.Owner.Username}/{repo.Name}",
            ["target_url"] = status.TargetUrl,
            ["avatar_url"] = view.AvatarUrl,
            ["context"] = status.Context,
            ["description"] = status.Description,
            ["state"] = status.State,
            ["commit"] = WebhookPayloads.Node(commit.ToV1(await browsing.UsersForAsync([commit], ct), links)),
            ["branches"] = new JsonArray(branches
                .Select(b => (JsonNode)WebhookPayloads.Node(new BranchInfo(b.Name, b.CommitOid, b.Name == repo.DefaultBranch).ToV1(links))).ToArray()),
            ["created_at"] = Infrastructure.Http.Rfc3339DateTimeConverter.Format(status.CreatedAt),
            ["updated_at"] = Infrastructure.Http.Rfc3339DateTimeConverter.Format(status.UpdatedAt),
        };
        await queue.DispatchAsync(repo, EventName, await payloads.BuildAsync(repo, sender, fields, ct), ct);
    }
}
