using System.Text.Json.Nodes;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>GitHub's <c>check_suite</c> event with action <c>rerequested</c>: the app owning the suite is asked to run it again.</summary>
public sealed class CheckSuiteEventHooks(WebhookQueue queue, WebhookPayloads payloads, CheckService checks, AnvilDbContext db)
    : IDomainEventHandler<CheckSuiteRerequested>
{
    public const string EventName = "check_suite";

    public async Task HandleAsync(CheckSuiteRerequested evt, CancellationToken ct)
    {
        var repo = await db.Repositories.AsNoTracking().Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .FirstOrDefaultAsync(r => r.Id == evt.RepositoryId, ct);
        if (repo is null || await checks.SuiteStateAsync(repo.Id, evt.SuiteId, ct) is not { } suite)
        {
            return; // deleted meanwhile
        }
        var sender = (evt.SenderId is { } id ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) : null) ?? repo.Owner;
        var baseUrl = payloads.BaseUrl;
        var prs = (await checks.PullRequestsAsync(repo, baseUrl, [suite.Suite.HeadSha], ct))[suite.Suite.HeadSha];
        var fields = new JsonObject { ["action"] = "rerequested", ["check_suite"] = WebhookPayloads.Node(suite.ToView(repo, baseUrl, prs)) };
        await queue.DispatchAsync(repo, EventName, await payloads.BuildAsync(repo, sender, fields, ct), ct);
    }
}
