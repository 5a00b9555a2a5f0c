using Anvil.Server.Checks;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>
/// Builds GitHub's workflow run (<see cref="ActionsViews.Run"/>) wherever runs are answered: what a page of runs shares (the
/// repository object, the Actions check suites of their commits, open pull requests on them, the actors) is fetched once per page.
/// </summary>
public sealed class WorkflowRunViews(AnvilDbContext db, RepositoryViews repositories, CheckService checks)
{
    public async Task<ActionsViews.Run> BuildAsync(Repository repo, WorkflowRun run, string baseUrl, CancellationToken ct) =>
        (await BuildAsync(repo, [run], baseUrl, ct))[0];

    public async Task<List<ActionsViews.Run>> BuildAsync(Repository repo, IReadOnlyList<WorkflowRun> runs, string baseUrl, CancellationToken ct)
    {
        if (runs.Count == 0)
        {
            return [];
        }
        var repository = await repositories.V1Async(repo, ct);
        var shas = runs.Select(r => r.HeadSha).Distinct().ToList();
        var suites = await db.CheckSuites.AsNoTracking()
            .Where(s => s.RepositoryId == repo.Id && s.App == CheckApp.Actions.Slug && shas.Contains(s.HeadSha))
            .ToDictionaryAsync(s => s.HeadSha, s => s.Id, ct);
        var pullRequests = await checks.PullRequestsAsync(repo, baseUrl, shas, ct);
        var actorIds = runs.Where(r => r.ActorId is not null).Select(r => r.ActorId!.Value).Distinct().ToList();
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        return runs.Select(r => r.ToView(repo, repository, baseUrl, suites.TryGetValue(r.HeadSha, out var suite) ? suite : null, pullRequests[r.HeadSha],
            r.ActorId is { } a && actors.TryGetValue(a, out var actor) ? actor.ToV1Simple(baseUrl) : null)).ToList();
    }
}
