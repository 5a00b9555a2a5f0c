using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;

namespace Anvil.Server.Checks;

/// <summary>The check-runs API in GitHub's shapes (<c>/api/v1/repos/{owner}/{name}/…</c>).</summary>
public static class CheckEndpoints
{
    public sealed record OutputBody(string? Title, string? Summary, string? Text, List<CheckAnnotationInput>? Annotations);

    public sealed record CheckRunBody(string? Name, string? HeadSha, string? Status, string? Conclusion, string? DetailsUrl, string? ExternalId,
        DateTime? StartedAt, DateTime? CompletedAt, OutputBody? Output)
    {
        public CheckRunFields Fields => new(Name, Status, Conclusion, DetailsUrl, ExternalId, StartedAt, CompletedAt,
            Output is { } o ? new CheckOutput(o.Title, o.Summary, o.Text, o.Annotations) : null);
    }

    public static void MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}");

        repo.MapPost("/check-runs", async (HttpContext ctx, JsonBody<CheckRunBody> input, RepositoryContext current, CheckService checks, Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var body = await input.ReadAsync();
            var run = await checks.CreateAsync(grant.Repository, body.HeadSha, body.Fields, CheckApp.Api, null, caller.UserId, ctx.RequestAborted);
            return ApiJson.Created(ctx, await ViewAsync(ctx, checks, grant.Repository, run));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPatch("/check-runs/{id:long}", async (HttpContext ctx, JsonBody<CheckRunBody> input, RepositoryContext current, long id, CheckService checks,
            Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var body = await input.ReadAsync();
            if (body.HeadSha is not null)
            {
                throw Infrastructure.AnvilException.Invalid("head_sha cannot be changed");
            }
            var run = await checks.UpdateAsync(grant.Repository.Id, id, body.Fields, caller.UserId, ctx.RequestAborted);
            return ApiJson.Json(ctx, await ViewAsync(ctx, checks, grant.Repository, run));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/check-runs/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, CheckService checks) =>
        {
            var grant = current.Grant;
            var run = await checks.GetAsync(grant.Repository.Id, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, await ViewAsync(ctx, checks, grant.Repository, run));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/check-runs/{id:long}/annotations", async (HttpContext ctx, RepositoryContext current, long id, CheckService checks) =>
        {
            var grant = current.Grant;
            var page = PageRequest.From(ctx.Request);
            var run = await checks.GetAsync(grant.Repository.Id, id, ctx.RequestAborted);
            var annotations = await checks.AnnotationsAsync(grant.Repository.Id, id, page.Offset, page.PerPage, ctx.RequestAborted);
            var baseUrl = ctx.PublicBaseUrl();
            return page.Answer(ctx, annotations, a => a.ToView(run, grant.Repository, baseUrl));
        }); // the scope is checked by ReadAsync: a token without it sees a private repository as missing (404)

        repo.MapGet("/commits/{sha}/check-runs", (HttpContext ctx, RepositoryContext current, string sha, CheckService checks) =>
            RunListAsync(ctx, checks, current.Grant.Repository, (name, status, page) =>
                checks.ListForCommitAsync(current.Grant.Repository, sha, name, status, page.Offset, page.PerPage, ctx.RequestAborted)))
            .RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/check-suites/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, CheckService checks) =>
        {
            var grant = current.Grant;
            var state = await checks.SuiteStateAsync(grant.Repository.Id, id, ctx.RequestAborted) ?? throw Infrastructure.AnvilException.NotFound("check suite not found");
            var baseUrl = ctx.PublicBaseUrl();
            var prs = await checks.PullRequestsAsync(grant.Repository, baseUrl, [state.Suite.HeadSha], ctx.RequestAborted);
            return ApiJson.Json(ctx, state.ToView(grant.Repository, baseUrl, prs[state.Suite.HeadSha]));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapPost("/check-suites/{id:long}/rerequest", async (HttpContext ctx, RepositoryContext current, long id,
            CheckSuiteRerequests rerequests, Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            await rerequests.RerequestAsync(grant.Repository, id, caller.UserId, ctx.RequestAborted);
            return ApiJson.Created(ctx, new ApiJson.EmptyObject());
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/check-suites/{id:long}/check-runs", (HttpContext ctx, RepositoryContext current, long id, CheckService checks) =>
            RunListAsync(ctx, checks, current.Grant.Repository, (name, status, page) =>
                checks.ListForSuiteAsync(current.Grant.Repository, id, name, status, page.Offset, page.PerPage, ctx.RequestAborted)))
            .RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/commits/{sha}/check-suites", async (HttpContext ctx, RepositoryContext current, string sha, CheckService checks) =>
        {
            var grant = current.Grant;
            var page = PageRequest.From(ctx.Request);
            var suites = page.Of(await checks.SuitesForCommitAsync(grant.Repository, sha, ctx.RequestAborted));
            var baseUrl = ctx.PublicBaseUrl();
            var prs = await checks.PullRequestsAsync(grant.Repository, baseUrl, suites.Items.Select(s => s.Suite.HeadSha).ToList(), ctx.RequestAborted);
            return page.AnswerWrapped(ctx, suites, list => new CheckViews.SuiteList(list.Total, list.Items.Select(s => s.ToView(grant.Repository, baseUrl, prs[s.Suite.HeadSha])).ToList()));
        }).RequireScopeIfToken(Scopes.RepoRead);
    }

    /// <summary>A page of check runs filtered by GitHub's <c>check_name</c> and <c>status</c>, in GitHub's wrapped list.</summary>
    private static async Task<JsonOk<CheckViews.RunList>> RunListAsync(HttpContext ctx, CheckService checks, Repository repo,
        Func<string?, string?, PageRequest, Task<Page<CheckRun>>> list)
    {
        var page = PageRequest.From(ctx.Request);
        var q = ctx.Request.Query;
        var runs = await list(q["check_name"], q["status"], page);
        var baseUrl = ctx.PublicBaseUrl();
        var prs = await checks.PullRequestsAsync(repo, baseUrl, runs.Items.Select(r => r.HeadSha).ToList(), ctx.RequestAborted);
        return page.AnswerWrapped(ctx, runs, list => new CheckViews.RunList(list.Total, list.Items.Select(r => r.ToView(repo, baseUrl, prs[r.HeadSha])).ToList()));
    }

    private static async Task<CheckViews.Run> ViewAsync(HttpContext ctx, CheckService checks, Repository repo, CheckRun run)
    {
        var baseUrl = ctx.PublicBaseUrl();
        var prs = await checks.PullRequestsAsync(repo, baseUrl, [run.HeadSha], ctx.RequestAborted);
        return run.ToView(repo, baseUrl, prs[run.HeadSha]);
    }
}
