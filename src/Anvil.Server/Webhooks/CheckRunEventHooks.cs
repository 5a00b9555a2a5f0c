using System.Text.Json.Nodes;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>
/// GitHub's <c>check_run</c> event (<c>created</c>, <c>completed</c>) for runs made through the API and for Actions jobs.
/// <c>check_run</c> is the v1 check-run view, except that <c>check_suite</c> is the whole suite, as in GitHub's payload.
/// </summary>
public sealed class CheckRunEventHooks(WebhookQueue queue, WebhookPayloads payloads, CheckService checks, AnvilDbContext db)
    : IDomainEventHandler<CheckRunCreated>, IDomainEventHandler<CheckRunCompleted>
{
    public const string EventName = "check_run";

    public Task HandleAsync(CheckRunCreated evt, CancellationToken ct) => SendAsync(evt.RepositoryId, evt.CheckRun, evt.SenderId, "created", ct);

    public Task HandleAsync(CheckRunCompleted evt, CancellationToken ct) => SendAsync(evt.RepositoryId, evt.CheckRun, evt.SenderId, "completed", ct);

    private async Task SendAsync(long repositoryId, CheckRun run, long? senderId, string action, CancellationToken ct)
    {
        var repo = await db.Repositories.AsNoTracking().Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .FirstOrDefaultAsync(r => r.Id == repositoryId, ct);
        if (repo is null)
        {
            return; // deleted meanwhile
        }
        // Nobody named (a job queued with no known actor): the repository's owner, as for other events a system causes.
        var sender = (senderId is { } id ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) : null) ?? repo.Owner;
        var baseUrl = payloads.BaseUrl;
        var prs = (await checks.PullRequestsAsync(repo, baseUrl, [run.HeadSha], ct))[run.HeadSha];
        var node = WebhookPayloads.Node(run.ToView(repo, baseUrl, prs));
        if (await checks.SuiteStateAsync(repo.Id, run.SuiteId, ct) is { } suite)
        {
            node["check_suite"] = WebhookPayloads.Node(suite.ToView(repo, baseUrl, prs));
        }
        var fields = new JsonObject { ["action"] = action, ["check_run"] = node };
        await queue.DispatchAsync(repo, EventName, await payloads.BuildAsync(repo, sender, fields, ct), ct);
    }
}
