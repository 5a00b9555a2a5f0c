using Anvil.Server.Actions;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Checks;

/// <summary>
/// GitHub's re-request of a check suite. The Actions suite of a commit holds the jobs of every run on it, so it re-runs those
/// runs through the ordinary re-run (<see cref="WorkflowService.RerunAsync"/>); another app's suite is that app's to run, and is
/// told so by the <c>check_suite</c> webhook's <c>rerequested</c>.
/// </summary>
public sealed class CheckSuiteRerequests(AnvilDbContext db, WorkflowService workflows, DomainEvents events)
{
    public async Task RerequestAsync(Repository repo, long suiteId, long? actorId, CancellationToken ct)
    {
        var suite = await db.CheckSuites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == suiteId && s.RepositoryId == repo.Id, ct)
            ?? throw AnvilException.NotFound("check suite not found");
        if (suite.App != CheckApp.Actions.Slug)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await events.PublishAsync(new CheckSuiteRerequested(repo.Id, suite.Id, actorId), ct);
            await events.CommitAsync(tx, ct);
            return;
        }
        var runs = await db.WorkflowRuns.AsNoTracking().Where(r => r.RepositoryId == repo.Id && r.HeadSha == suite.HeadSha).OrderBy(r => r.Id).ToListAsync(ct);
        if (runs.Count == 0)
        {
            throw AnvilException.NotFound("the check suite has no workflow runs left to re-run");
        }
        if (runs.Any(r => r.Status != RunStatus.Completed))
        {
            // GitHub refuses to re-run a suite that is still running; nothing is re-run half way.
            throw AnvilException.Conflict("a workflow run of this check suite is still in progress");
        }
        foreach (var run in runs.Where(r => r.Error is null))
        {
            await workflows.RerunAsync(repo, run, actorId, ct);
        }
    }
}
