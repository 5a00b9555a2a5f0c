using System.ComponentModel.DataAnnotations;
using System.Text;
using Anvil.Git;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>Marks runner-API routes: they authenticate with runner or job tokens themselves, never as a user.</summary>
public sealed class RunnerCredentials : Auth.OwnCredentials;

public static class ActionsServices
{
    public static IServiceCollection AddActions(this IServiceCollection services)
    {
        services.AddSingleton<ActionsSignal>();
        services.AddSingleton<JobTokens>();
        services.AddScoped<WorkflowService>();
        services.AddScoped<WorkflowCatalog>();
        services.AddScoped<WorkflowRunViews>();
        services.AddScoped<Checks.CheckSuiteRerequests>();
        services.AddScoped<RunnerService>();
        services.AddScoped<JobLogArchive>();
        services.AddScoped<ArtifactStore>();
        services.AddScoped<ArtifactUploads>();
        services.AddHostedService<ActionsWorker>();
        return services;
    }
}

/// <summary>The Actions API for people (<c>/api/v1/repos/{owner}/{name}/actions/…</c>) and for runners (<c>/api/v1/runners</c>, <c>/api/v1/jobs</c>).</summary>
public static class ActionsEndpoints
{
    public sealed record DispatchBody([property: Required] string? Ref, Dictionary<string, object?>? Inputs);
    public sealed record RegisterBody([property: Required] string? Token, string? Name, List<string>? Labels);
    public sealed record HeartbeatBody(int? WaitSeconds);
    public sealed record LogBody([property: Required] int? Seq, [property: Required] string? Chunk);
    public sealed record StatusBody([property: Required] string? Status, string? Conclusion);

    public static void MapActionsEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}/actions");

        repo.MapGet("/runs", async (HttpContext ctx, RepositoryContext current, AnvilDbContext db, WorkflowRunViews views) =>
        {
            var grant = current.Grant;
            return await RunPageAsync(ctx, db.WorkflowRuns.AsNoTracking().Where(r => r.RepositoryId == grant.Repository.Id), grant, db, views);
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/runs/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db,
            WorkflowRunViews views) =>
        {
            var grant = current.Grant;
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, await views.BuildAsync(grant.Repository, run, ctx.PublicBaseUrl(), ctx.RequestAborted));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/workflows", async (HttpContext ctx, RepositoryContext current, WorkflowCatalog catalog) =>
        {
            var grant = current.Grant;
            var page = PageRequest.From(ctx.Request);
            var workflows = await catalog.OfRepository(grant.Repository.Id).OrderBy(w => w.Id).ToPageAsync(page.Offset, page.PerPage, ctx.RequestAborted);
            var baseUrl = ctx.PublicBaseUrl();
            return page.AnswerWrapped(ctx, workflows, list => new ActionsViews.WorkflowList(list.Total,
                list.Items.Select(w => w.ToView(grant.Repository, baseUrl)).ToList()));
        }); // the scope is checked by ReadAsync: a token without it sees a private repository as missing (404)

        repo.MapGet("/workflows/{workflow_id}", async (HttpContext ctx, RepositoryContext current, string workflow_id,
            WorkflowCatalog catalog) =>
        {
            var grant = current.Grant;
            var workflow = await catalog.FindAsync(grant.Repository.Id, workflow_id, ctx.RequestAborted);
            return ApiJson.Json(ctx, workflow.ToView(grant.Repository, ctx.PublicBaseUrl()));
        });

        repo.MapGet("/workflows/{workflow_id}/runs", async (HttpContext ctx, RepositoryContext current, string workflow_id,
            WorkflowCatalog catalog, AnvilDbContext db, WorkflowRunViews views) =>
        {
            var grant = current.Grant;
            var workflow = await catalog.FindAsync(grant.Repository.Id, workflow_id, ctx.RequestAborted);
            return await RunPageAsync(ctx, db.WorkflowRuns.AsNoTracking().Where(r => r.WorkflowId == workflow.Id), grant, db, views);
        });

        repo.MapGet("/runs/{id:long}/jobs", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db) =>
        {
            var grant = current.Grant;
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            var jobs = await db.WorkflowJobs.AsNoTracking().Where(j => j.RunId == run.Id).OrderBy(j => j.Id).ToListAsync(ctx.RequestAborted);
            var ids = jobs.Select(j => j.Id).ToList();
            var steps = (await db.JobSteps.AsNoTracking().Where(s => ids.Contains(s.JobId)).ToListAsync(ctx.RequestAborted)).ToLookup(s => s.JobId);
            var baseUrl = ctx.PublicBaseUrl();
            return ApiJson.Json(ctx, new ActionsViews.JobList(jobs.Count, jobs.Select(j => j.ToView(run, steps[j.Id], grant.Repository, baseUrl)).ToList()));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/jobs/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db) =>
        {
            var grant = current.Grant;
            var job = await FindJobAsync(db, grant, id, ctx.RequestAborted);
            var steps = await db.JobSteps.AsNoTracking().Where(s => s.JobId == job.Id).ToListAsync(ctx.RequestAborted);
            return ApiJson.Json(ctx, job.ToView(job.Run, steps, grant.Repository, ctx.PublicBaseUrl()));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/jobs/{id:long}/logs", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db,
            JobLogArchive logs) =>
        {
            var grant = current.Grant;
            var job = await FindJobAsync(db, grant, id, ctx.RequestAborted);
            await using var log = await logs.OpenAsync(job, ctx.RequestAborted);
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await log.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/artifacts", async (HttpContext ctx, RepositoryContext current, ArtifactStore artifacts, AnvilDbContext db) =>
        {
            var grant = current.Grant;
            return await WriteArtifactPageAsync(ctx, artifacts.OfRepository(grant.Repository.Id), grant, artifacts, db);
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/runs/{id:long}/artifacts", async (HttpContext ctx, RepositoryContext current, long id, ArtifactStore artifacts,
            AnvilDbContext db) =>
        {
            var grant = current.Grant;
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            return await WriteArtifactPageAsync(ctx, artifacts.OfRepository(grant.Repository.Id).Where(a => a.RunId == run.Id), grant, artifacts, db);
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/artifacts/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, ArtifactStore artifacts,
            AnvilDbContext db) =>
        {
            var grant = current.Grant;
            var artifact = await artifacts.FindAsync(grant.Repository.Id, id, ctx.RequestAborted);
            var run = await db.WorkflowRuns.AsNoTracking().FirstAsync(r => r.Id == artifact.RunId, ctx.RequestAborted);
            return ApiJson.Json(ctx, artifact.ToView(artifacts.ExpiresAt(artifact), run, grant.Repository, ctx.PublicBaseUrl()));
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapGet("/artifacts/{id:long}/zip", async (HttpContext ctx, RepositoryContext current, long id, ArtifactStore artifacts) =>
        {
            var grant = current.Grant;
            var artifact = await artifacts.FindAsync(grant.Repository.Id, id, ctx.RequestAborted);
            await using var zip = await artifacts.OpenAsync(artifact, ctx.RequestAborted);
            ctx.Response.ContentType = "application/zip";
            ctx.Response.ContentLength = artifact.SizeInBytes;
            ctx.Response.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
                { FileNameStar = artifact.Name + ".zip" }.ToString();
            await zip.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
        }).RequireScopeIfToken(Scopes.RepoRead);

        repo.MapDelete("/artifacts/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, ArtifactStore artifacts) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var artifact = await artifacts.FindAsync(grant.Repository.Id, id, ctx.RequestAborted);
            await artifacts.DeleteAsync(artifact, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPost("/runs/{id:long}/cancel", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db, WorkflowService workflows) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            await workflows.CancelAsync(run, ctx.RequestAborted);
            return ApiJson.Accepted(ctx, new ApiJson.EmptyObject());
        }).RequireUser(Scopes.RepoWrite);

        repo.MapDelete("/runs/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db, WorkflowService workflows) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            await workflows.DeleteRunAsync(run, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPost("/runs/{id:long}/rerun", async (HttpContext ctx, RepositoryContext current, long id, AnvilDbContext db, WorkflowService workflows,
            Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var run = await FindRunAsync(db, grant, id, ctx.RequestAborted);
            await workflows.RerunAsync(grant.Repository, run, caller.UserId, ctx.RequestAborted);
            return ApiJson.Created(ctx, new ApiJson.EmptyObject());
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPost("/workflows/{workflow_id}/dispatches", async (HttpContext ctx, JsonBody<DispatchBody> input, RepositoryContext current, string workflow_id,
            RepositoryAccess access, WorkflowService workflows, Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var body = await input.ReadAsync();
            await workflows.DispatchAsync(grant.Repository, workflow_id, body.Ref, caller.RequireUser().Id, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        repo.MapPost("/runners/registration-token", async (HttpContext ctx, RepositoryContext current, RunnerService runners) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Admin);
            var (token, expires) = await runners.CreateRegistrationTokenAsync(grant.Repository.Id, ctx.RequestAborted);
            return ApiJson.Created(ctx, new ActionsViews.RegistrationToken(token, expires));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/runners", async (HttpContext ctx, RepositoryContext current, RunnerService runners, AnvilDbContext db, TimeProvider clock) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Admin);
            var list = await runners.ListAsync(grant.Repository.Id, ctx.RequestAborted);
            var busy = await db.WorkflowJobs.AsNoTracking().Where(j => j.Status == JobStatus.InProgress && j.RunnerId != null)
                .Select(j => j.RunnerId!.Value).ToListAsync(ctx.RequestAborted);
            var now = clock.GetUtcNow().UtcDateTime;
            return ApiJson.Json(ctx, new ActionsViews.RunnerList(list.Count, list.Select(r => r.ToView(now, busy.Contains(r.Id))).ToList()));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapDelete("/runners/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, RunnerService runners) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Admin);
            if (!await runners.RemoveAsync(id, grant.Repository.Id, ctx.RequestAborted))
            {
                throw AnvilException.NotFound("runner not found");
            }
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        MapRunnerApi(app);
    }

    private static void MapRunnerApi(IEndpointRouteBuilder app)
    {
        var runnerApi = app.MapGroup("/api/v1").WithMetadata(new RunnerCredentials());

        runnerApi.MapPost("/runners/register", async (HttpContext ctx, JsonBody<RegisterBody> input, RunnerService runners) =>
        {
            var body = await input.ReadAsync();
            var registered = await runners.RegisterAsync(body.Token, body.Name, body.Labels, ctx.RequestAborted);
            var r = registered.Runner;
            return ApiJson.Created(ctx, new ActionsViews.RunnerRegistration(r.Id, r.Name, r.Labels.Split(' '), registered.Token));
        });

        runnerApi.MapPost("/runners/heartbeat", async (HttpContext ctx, OptionalJsonBody<HeartbeatBody> input, RunnerService runners, ActionsSignal signal) =>
        {
            var runner = await runners.AuthenticateRunnerAsync(AuthenticationMiddleware.BearerCredential(ctx.Request), ctx.RequestAborted);
            var body = await input.ReadAsync(new HeartbeatBody(null)) ?? new HeartbeatBody(null);
            var wait = TimeSpan.FromSeconds(Math.Clamp(body.WaitSeconds ?? 20, 0, 50));
            ClaimedJob? claimed;
            try
            {
                claimed = await runners.PollAsync(runner, wait, signal, ctx.RequestAborted);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                return Results.Empty;
            }
            if (claimed is null)
            {
                return TypedResults.NoContent();
            }
            var (job, run, spec) = (claimed.Job, claimed.Run, claimed.Spec);
            var repo = await ctx.RequestServices.GetRequiredService<AnvilDbContext>().Repositories.AsNoTracking().Include(r => r.Owner)
                .FirstAsync(r => r.Id == job.RepositoryId, ctx.RequestAborted);
            var baseUrl = ctx.PublicBaseUrl();
            var env = new Dictionary<string, string>
            {
                ["CI"] = "true", ["GITHUB_ACTIONS"] = "true", ["ANVIL_ACTIONS"] = "true", ["GITHUB_REF"] = run.Ref, ["GITHUB_SHA"] = run.HeadSha,
                ["GITHUB_REPOSITORY"] = $"{repo.Owner.Username}/{repo.Name}", ["GITHUB_RUN_ID"] = run.Id.ToString(),
                ["GITHUB_RUN_ATTEMPT"] = run.RunAttempt.ToString(), ["GITHUB_JOB"] = job.Key, ["GITHUB_EVENT_NAME"] = run.Event,
                ["GITHUB_WORKFLOW"] = run.Name, ["GITHUB_SERVER_URL"] = baseUrl, ["GITHUB_API_URL"] = baseUrl + "/api/v1",
                ["GITHUB_REF_NAME"] = WorkflowService.GithubContext(run)["ref_name"]!,
            };
            foreach (var (k, v) in spec.Env)
            {
                env[k] = v;
            }
            return ApiJson.Json(ctx, new
            {
                Job = new
                {
                    job.Id, RunId = run.Id, job.Name, Key = job.Key, Repository = $"{repo.Owner.Username}/{repo.Name}",
                    CloneUrl = $"{baseUrl}/{repo.Owner.Username}/{repo.Name}.git", run.HeadSha, run.Ref, run.Event, job.TimeoutMinutes, Env = env,
                    spec.Steps,
                },
                Token = claimed.Token.Token, ExpiresAt = claimed.Token.ExpiresAt, CheckoutToken = claimed.CheckoutToken.Token,
            });
        });

        runnerApi.MapPost("/jobs/{id:long}/logs", async (HttpContext ctx, JsonBody<LogBody> input, long id, RunnerService runners) =>
        {
            var body = await input.ReadAsync();
            var next = await runners.AppendLogAsync(id, AuthenticationMiddleware.BearerCredential(ctx.Request), body.Seq, body.Chunk, ctx.RequestAborted);
            return ApiJson.Json(ctx, new ActionsViews.NextJobToken(next.Token, next.ExpiresAt));
        });

        // The zip is the raw body; the job token authorises it like every job call (and is spent by it).
        var maxArtifactBytes = app.ServiceProvider.GetRequiredService<AnvilOptions>().MaxArtifactBytes;
        runnerApi.MapPost("/jobs/{id:long}/artifacts", async (HttpContext ctx, long id, ArtifactUploads uploads) =>
        {
            if (MultipartForms.IsMultipart(ctx.Request))
            {
                // upload-artifact clients of other forges send forms; this one takes the zip itself, and says so.
                throw AnvilException.BadRequest("an artifact is uploaded as the raw zip body (Content-Type: application/zip), not as multipart/form-data");
            }
            var (artifact, next) = await uploads.UploadAsync(id, AuthenticationMiddleware.BearerCredential(ctx.Request), ctx.Request.Query["name"].ToString(),
                ctx.Request.Body, ctx.RequestAborted);
            return ApiJson.Created(ctx, new ActionsViews.UploadedArtifact(artifact.Id, artifact.Name, artifact.SizeInBytes, next.Token, next.ExpiresAt));
        }).WithMetadata(new BodyLimit(maxArtifactBytes));

        runnerApi.MapPost("/jobs/{id:long}/steps/{step:int}/status", async (HttpContext ctx, JsonBody<StatusBody> input, long id, int step, RunnerService runners) =>
        {
            var body = await input.ReadAsync();
            var next = await runners.StepStatusAsync(id, AuthenticationMiddleware.BearerCredential(ctx.Request), step, body.Status, body.Conclusion, ctx.RequestAborted);
            return ApiJson.Json(ctx, new ActionsViews.NextJobToken(next.Token, next.ExpiresAt));
        });

        runnerApi.MapPost("/jobs/{id:long}/status", async (HttpContext ctx, JsonBody<StatusBody> input, long id, RunnerService runners) =>
        {
            var body = await input.ReadAsync();
            var next = await runners.JobStatusAsync(id, AuthenticationMiddleware.BearerCredential(ctx.Request), body.Status, body.Conclusion, ctx.RequestAborted);
            return ApiJson.Json(ctx, new ActionsViews.NextJobToken(next.Token, next.ExpiresAt));
        });

        runnerApi.MapPost("/jobs/{id:long}/cancel-check", async (HttpContext ctx, long id, RunnerService runners) =>
        {
            var (cancelled, next) = await runners.CancelCheckAsync(id, AuthenticationMiddleware.BearerCredential(ctx.Request), ctx.RequestAborted);
            return ApiJson.Json(ctx, new ActionsViews.CancelCheck(cancelled, next.Token, next.ExpiresAt));
        });
    }

    /// <summary>A page of <paramref name="query"/>, narrowed to the <c>name</c> the request asks for, if any.</summary>
    private static async Task<JsonOk<ActionsViews.ArtifactList>> WriteArtifactPageAsync(HttpContext ctx, IQueryable<Artifact> query, RepositoryGrant grant,
        ArtifactStore store, AnvilDbContext db)
    {
        if (ctx.Request.Query["name"].ToString() is { Length: > 0 } artifactName)
        {
            query = query.Where(a => a.Name == artifactName);
        }
        var page = PageRequest.From(ctx.Request);
        var artifacts = await query.ToPageAsync(page.Offset, page.PerPage, ctx.RequestAborted);
        var runIds = artifacts.Items.Select(a => a.RunId).Distinct().ToList();
        var runs = await db.WorkflowRuns.AsNoTracking().Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ctx.RequestAborted);
        var baseUrl = ctx.PublicBaseUrl();
        return page.AnswerWrapped(ctx, artifacts, list => new ActionsViews.ArtifactList(list.Total,
            list.Items.Select(a => a.ToView(store.ExpiresAt(a), runs[a.RunId], grant.Repository, baseUrl)).ToList()));
    }

    /// <summary>A page of <paramref name="runs"/> filtered as GitHub's run lists are, newest first, as <c>{total_count, workflow_runs}</c>.</summary>
    private static async Task<JsonOk<ActionsViews.RunList>> RunPageAsync(HttpContext ctx, IQueryable<WorkflowRun> runs, RepositoryGrant grant,
        AnvilDbContext db, WorkflowRunViews views)
    {
        var page = PageRequest.From(ctx.Request);
        var list = await ActionsQueries.Filter(db, runs, ctx.Request.Query).OrderByDescending(r => r.Id).ToPageAsync(page.Offset, page.PerPage, ctx.RequestAborted);
        var shaped = await views.BuildAsync(grant.Repository, list.Items, ctx.PublicBaseUrl(), ctx.RequestAborted);
        return page.AnswerWrapped(ctx, list, l => new ActionsViews.RunList(l.Total, shaped));
    }

    private static Task<WorkflowRun> FindRunAsync(AnvilDbContext db, RepositoryGrant grant, long id, CancellationToken ct) =>
        ActionsQueries.FindRunAsync(db, grant.Repository.Id, id, ct);

    private static Task<WorkflowJob> FindJobAsync(AnvilDbContext db, RepositoryGrant grant, long id, CancellationToken ct) =>
        ActionsQueries.FindJobAsync(db, grant.Repository.Id, id, ct);
}
