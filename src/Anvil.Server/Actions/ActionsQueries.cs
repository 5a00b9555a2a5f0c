using System.Globalization;
using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>How runs and jobs are found and filtered, for the API and the pages alike.</summary>
public static class ActionsQueries
{
    /// <summary>
    /// GitHub's run filters from the query string: <c>event</c>; <c>status</c> (a run status or a conclusion); <c>branch</c> (a branch
    /// name); <c>head_sha</c>; <c>actor</c> (a login); <c>created</c> (a date, or a range as in search: <c>&gt;=2026-01-01</c>,
    /// <c>2026-01-01..2026-02-01</c>); <c>check_suite_id</c>. A malformed <c>created</c> or id is refused, never ignored.
    /// </summary>
    public static IQueryable<WorkflowRun> Filter(AnvilDbContext db, IQueryable<WorkflowRun> query, IQueryCollection q)
    {
        query = Filter(query, q["event"], q["status"], q["branch"], q["head_sha"]);
        if (q["actor"].ToString() is { Length: > 0 } actor)
        {
            var login = actor.ToLowerInvariant();
            var actorIds = db.Users.Where(u => u.NormalizedUsername == login).Select(u => (long?)u.Id);
            query = query.Where(r => actorIds.Contains(r.ActorId));
        }
        if (q["check_suite_id"].ToString() is { Length: > 0 } suite)
        {
            if (!long.TryParse(suite, NumberStyles.None, CultureInfo.InvariantCulture, out var suiteId))
            {
                throw AnvilException.Invalid("WorkflowRun", "check_suite_id", "check_suite_id must be a number");
            }
            var suiteShas = db.CheckSuites.Where(s => s.Id == suiteId && s.App == Checks.CheckApp.Actions.Slug).Select(s => s.HeadSha);
            query = query.Where(r => suiteShas.Contains(r.HeadSha));
        }
        if (q["created"].ToString() is { Length: > 0 } created)
        {
            var (from, until) = CreatedRange(created);
            if (from is { } f)
            {
                query = query.Where(r => r.CreatedAt >= f);
            }
            if (until is { } u)
            {
                query = query.Where(r => r.CreatedAt < u);
            }
        }
        return query;
    }

    /// <summary>GitHub's basic run filters: a status is either a run status or a conclusion; the branch is a branch name.</summary>
    public static IQueryable<WorkflowRun> Filter(IQueryable<WorkflowRun> query, string? eventName, string? status, string? branch, string? headSha)
    {
        if (!string.IsNullOrEmpty(eventName))
        {
            query = query.Where(r => r.Event == eventName);
        }
        if (!string.IsNullOrEmpty(status))
        {
            query = status is "success" or "failure" or "cancelled" or "skipped" or "neutral" or "timed_out" or "action_required"
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

    /// <summary>GitHub's <c>created</c>: an inclusive lower bound and an exclusive upper one, in UTC; a bare date means that whole day.</summary>
    private static (DateTime? From, DateTime? Until) CreatedRange(string created)
    {
        static (DateTime Start, DateTime End) Parse(string s)
        {
            if (DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
            {
                return (day, day.AddDays(1));
            }
            if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) && s.Contains('T'))
            {
                return (at, at.AddTicks(1));
            }
            throw AnvilException.Invalid("WorkflowRun", "created", "created must be a date (YYYY-MM-DD or an ISO 8601 time), a comparison such as >=2026-01-01, or a range from..to");
        }
        var c = created.Trim();
        if (c.Split("..") is [var a, var b])
        {
            return (a is "*" ? null : Parse(a).Start, b is "*" ? null : Parse(b).End);
        }
        return c switch
        {
            _ when c.StartsWith(">=") => (Parse(c[2..]).Start, null),
            _ when c.StartsWith("<=") => (null, Parse(c[2..]).End),
            _ when c.StartsWith('>') => (Parse(c[1..]).End, null),
            _ when c.StartsWith('<') => (null, Parse(c[1..]).Start),
            _ => Parse(c),
        };
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
