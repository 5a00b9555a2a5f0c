using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>How runs and jobs are found and filtered, for the API and the pages alike.</summary>
public static class ActionsQueries
{
    /// <summary>GitHub's run filters: a status is either a run status or a conclusion; the branch is a branch name.</summary>
    public static IQueryable<WorkflowRun> Filter(IQueryable<WorkflowRun> query, string? eventName, string? status, string? branch, string? headSha)
    {
        if (!string.IsNullOrEmpty(eventName))
        {
            query = query.Where(r => r.Event == eventName);
        }
        if (!string.IsNullOrEmpty(status))
        {
            query = status is "success" or "failure" or "cancelled" or "skipped" or "neutral" or "timed_out"
                ? query.Where(r => r.Conclusion == status) : query.Where(r => r.Status == status);
        }
        if (!string.IsNullOrEmpty(branch))
        {
            var fullRef = RefNames.Branch(branch);
            query = query.Where(r => r.Ref == fullRef);
        }
        if (!string.IsNullOrEmpty(headSha))
        {
            query = query.Where(r => r.HeadSha == headSha);
        }
        return query;
    }

    public static async Task<WorkflowRun> FindRunAsync(AnvilDbContext db, long repositoryId, long id, CancellationToken ct) =>
        await db.WorkflowRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.RepositoryId == repositoryId, ct)
        ?? throw AnvilException.NotFound("workflow run not found");

    public static async Task<WorkflowJob> FindJobAsync(AnvilDbContext db, long repositoryId, long id, CancellationToken ct) =>
        await db.WorkflowJobs.AsNoTracking().Include(j => j.Run).FirstOrDefaultAsync(j => j.Id == id && j.RepositoryId == repositoryId, ct)
        ?? throw AnvilException.NotFound("job not found");

    /// <summary>The Actions job or run a check run of <see cref="Checks.CheckApp.Actions"/> stands for, from its external id (<c>job:{id}:{attempt}</c>, <c>run:{id}</c>).</summary>
    public static (long? JobId, long? RunId) ParseCheckExternalId(string? externalId)
    {
        var parts = (externalId ?? "").Split(':');
        return parts switch
        {
            ["job", var job, _] when long.TryParse(job, out var id) => (id, null),
            ["run", var run] when long.TryParse(run, out var id) => (null, id),
            _ => (null, null),
        };
    }
}
