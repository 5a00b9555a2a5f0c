using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Anvil.Server.Auth;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>Wakes long-polling runners in this process when a job is queued (other nodes notice by polling).</summary>
public sealed class ActionsSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}

public sealed record RegisteredRunner(Runner Runner, string Token);

public sealed record ClaimedJob(WorkflowJob Job, WorkflowRun Run, JobSpec Spec, IssuedJobToken Token, IssuedJobToken CheckoutToken);

/// <summary>A job call authorised by the job's current token; <see cref="NextToken"/> replaces it once the call is saved.</summary>
public sealed record JobCall(WorkflowJob Job, IssuedJobToken NextToken);

/// <summary>
/// The runner side of Actions: registration tokens, runners, claiming jobs, and the job calls that
/// each consume the job's current token and hand out the next. Runner credentials never act as users.
/// </summary>
public sealed class RunnerService(AnvilDbContext db, JobTokens tokens, WorkflowService workflows, JobLogArchive logs, ArtifactStore artifacts,
    AnvilOptions options, TimeProvider clock, ILogger<RunnerService> log)
{
    public const string RegistrationPrefix = "anvreg_";
    public const string RunnerPrefix = "anvr_";
    public static readonly TimeSpan RegistrationLifetime = TimeSpan.FromHours(1);
    public static readonly IReadOnlyList<string> DefaultLabels = ["self-hosted", "linux", "ubuntu-latest", "anvil"];
    private const int MaxClaims = 3;
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>A registration token for runners of one repository (or of the whole instance when null); usable for an hour.</summary>
    public async Task<(string Token, DateTime ExpiresAt)> CreateRegistrationTokenAsync(long? repositoryId, CancellationToken ct)
    {
        var token = RegistrationPrefix + RandomNumberGenerator.GetString(Alphanumeric, 40);
        var row = new RunnerRegistrationToken { TokenHash = Secrets.Digest(token), RepositoryId = repositoryId, CreatedAt = Now, ExpiresAt = Now + RegistrationLifetime };
        db.RunnerRegistrationTokens.Add(row);
        await db.SaveChangesAsync(ct);
        return (token, row.ExpiresAt);
    }

    public async Task<RegisteredRunner> RegisterAsync(string? registrationToken, string? name, IReadOnlyList<string>? labels, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(registrationToken))
        {
            throw AnvilException.BadRequest("token is required");
        }
        var hash = Secrets.Digest(registrationToken);
        var now = Now;
        var registration = await db.RunnerRegistrationTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash && t.ExpiresAt > now, ct)
            ?? throw AnvilException.Unauthorized("invalid or expired registration token");
        var runnerName = string.IsNullOrWhiteSpace(name) ? "runner-" + RandomNumberGenerator.GetHexString(6, lowercase: true) : name.Trim();
        if (runnerName.Length > 100)
        {
            throw AnvilException.Invalid("name must be at most 100 characters");
        }
        var labelList = (labels is { Count: > 0 } ? labels : DefaultLabels).Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct().ToList();
        if (labelList.Any(l => l.Length > 100 || l.Contains(' ')) || labelList.Count > 20)
        {
            throw AnvilException.Invalid("labels must be at most 20 names without spaces");
        }
        var secret = RunnerPrefix + RandomNumberGenerator.GetString(Alphanumeric, 40);
        var runner = new Runner
        {
            Name = runnerName, TokenHash = Secrets.Digest(secret), Labels = string.Join(' ', labelList), RepositoryId = registration.RepositoryId,
            CreatedAt = now, LastSeenAt = now,
        };
        db.Runners.Add(runner);
        await db.SaveChangesAsync(ct);
        log.LogInformation("runner {Runner} ({Id}) registered for {Scope} with labels {Labels}", runner.Name, runner.Id,
            runner.RepositoryId is { } repositoryId ? $"repository {repositoryId}" : "the instance", runner.Labels);
        return new RegisteredRunner(runner, secret);
    }

    public async Task<Runner> AuthenticateRunnerAsync(string? credential, CancellationToken ct)
    {
        if (credential is null || !credential.StartsWith(RunnerPrefix, StringComparison.Ordinal))
        {
            throw AnvilException.Unauthorized("runner credentials required");
        }
        var hash = Secrets.Digest(credential);
        return await db.Runners.FirstOrDefaultAsync(r => r.TokenHash == hash, ct) ?? throw AnvilException.Unauthorized("invalid runner token");
    }

    /// <summary>Jobs ready to run that no runner has claimed yet: the Actions queue depth.</summary>
    public Task<int> QueuedJobCountAsync(CancellationToken ct) => db.WorkflowJobs.CountAsync(j => j.Status == JobStatus.Queued, ct);

    public async Task<List<Runner>> ListAsync(long? repositoryId, CancellationToken ct) =>
        await db.Runners.AsNoTracking().Where(r => r.RepositoryId == repositoryId).OrderBy(r => r.Id).ToListAsync(ct);

    public async Task<bool> RemoveAsync(long runnerId, long? repositoryId, CancellationToken ct) =>
        await db.Runners.Where(r => r.Id == runnerId && r.RepositoryId == repositoryId).ExecuteDeleteAsync(ct) == 1;

    /// <summary>
    /// Claims the oldest queued job this runner may take. The claim is a compare-and-swap on the job's
    /// status, so of two runners racing for one job exactly one wins; the loser tries the next job.
    /// </summary>
    public async Task<ClaimedJob?> TryClaimAsync(Runner runner, CancellationToken ct)
    {
        var now = Now;
        await db.Runners.Where(r => r.Id == runner.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.LastSeenAt, now), ct);
        var labels = runner.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidates = await db.WorkflowJobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued && (runner.RepositoryId == null || j.RepositoryId == runner.RepositoryId))
            .OrderBy(j => j.Id).Take(50).Select(j => new { j.Id, j.RunsOn, j.RepositoryId }).ToListAsync(ct);
        foreach (var candidate in candidates.Where(c => c.RunsOn.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(labels.Contains)))
        {
            var token = tokens.Issue(JobTokens.Job, candidate.Id, candidate.RepositoryId, JobTokens.JobLifetime);
            var lease = now + options.RunnerLease;
            var won = await db.WorkflowJobs.Where(j => j.Id == candidate.Id && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.InProgress).SetProperty(j => j.RunnerId, runner.Id)
                    .SetProperty(j => j.RunnerName, runner.Name).SetProperty(j => j.TokenId, token.Id).SetProperty(j => j.LeaseExpiresAt, lease)
                    .SetProperty(j => j.StartedAt, now).SetProperty(j => j.Claims, j => j.Claims + 1), ct);
            if (won == 0)
            {
                continue;
            }
            var job = await db.WorkflowJobs.AsNoTracking().Include(j => j.Run).FirstAsync(j => j.Id == candidate.Id, ct);
            await workflows.SyncCheckRunAsync(job.Id, ct);
            await workflows.AdvanceAsync(job.RunId, ct);
            var checkout = tokens.Issue(JobTokens.Checkout, job.Id, job.RepositoryId, TimeSpan.FromMinutes(job.TimeoutMinutes) + options.RunnerLease);
            return new ClaimedJob(job, job.Run, JsonSerializer.Deserialize<JobSpec>(job.Spec, JobSpec.Json)!, token, checkout);
        }
        return null;
    }

    /// <summary>Long-polls for a job: claims one, or waits until one may be available, up to <paramref name="wait"/>.</summary>
    public async Task<ClaimedJob?> PollAsync(Runner runner, TimeSpan wait, ActionsSignal signal, CancellationToken ct)
    {
        var deadline = Now + wait;
        while (true)
        {
            if (await TryClaimAsync(runner, ct) is { } claimed)
            {
                return claimed;
            }
            var left = deadline - Now;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            // Another node may queue the job: poll the database at least every second.
            await signal.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>
    /// Checks the job token of a call and rotates it: the returned job is tracked with its next token id
    /// set, so the caller's <c>SaveChanges</c> both applies the call and consumes the token, atomically
    /// (a replayed or concurrent second use fails the concurrency check).
    /// </summary>
    public async Task<JobCall> BeginCallAsync(long jobId, string? credential, CancellationToken ct)
    {
        var claims = credential is null ? null : tokens.Validate(credential, JobTokens.Job);
        if (claims is null || claims.JobId != jobId)
        {
            throw AnvilException.Unauthorized("invalid job token");
        }
        var job = await db.WorkflowJobs.Include(j => j.Run).FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || job.TokenId != claims.Id || job.Status != JobStatus.InProgress)
        {
            throw AnvilException.Unauthorized("job token already used, or the job is no longer yours");
        }
        var next = tokens.Issue(JobTokens.Job, job.Id, job.RepositoryId, JobTokens.JobLifetime);
        job.TokenId = next.Id;
        job.LeaseExpiresAt = Now + options.RunnerLease;
        return new JobCall(job, next);
    }

    /// <summary>Saves a call; a lost race on the token means the token was used twice.</summary>
    public async Task CommitCallAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw AnvilException.Unauthorized("job token already used");
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<JobLogChunk>().Any())
        {
            throw AnvilException.Unauthorized("job token already used");
        }
    }

    public async Task<IssuedJobToken> AppendLogAsync(long jobId, string? credential, int? seq, string? chunk, CancellationToken ct)
    {
        if (seq is not { } s || s < 0 || chunk is null)
        {
            throw AnvilException.BadRequest("seq (a number from 0) and chunk (base64) are required");
        }
        byte[] data;
        try
        {
            data = Convert.FromBase64String(chunk);
        }
        catch (FormatException)
        {
            throw AnvilException.BadRequest("chunk must be base64");
        }
        var call = await BeginCallAsync(jobId, credential, ct);
        if (!await db.JobLogChunks.AnyAsync(c => c.JobId == jobId && c.Seq == s, ct))
        {
            db.JobLogChunks.Add(new JobLogChunk { JobId = jobId, Seq = s, Data = MaskSecrets(data), CreatedAt = Now });
        }
        await CommitCallAsync(ct);
        return call.NextToken;
    }

    // The runner masks too, but a token split across two chunks is only caught there.
    private static byte[] MaskSecrets(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var masked = System.Text.RegularExpressions.Regex.Replace(text, @"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|anvr_[A-Za-z0-9]{40}", "***");
        return ReferenceEquals(masked, text) || masked == text ? data : Encoding.UTF8.GetBytes(masked);
    }

    public async Task<IssuedJobToken> StepStatusAsync(long jobId, string? credential, int step, string? status, string? conclusion, CancellationToken ct)
    {
        var (s, c) = ValidateStatus(status, conclusion);
        var call = await BeginCallAsync(jobId, credential, ct);
        var row = await db.JobSteps.FirstOrDefaultAsync(x => x.JobId == jobId && x.Number == step, ct) ?? throw AnvilException.NotFound("no such step");
        row.Status = s;
        row.Conclusion = c;
        if (s != JobStatus.Queued)
        {
            row.StartedAt ??= Now;
        }
        row.CompletedAt = s == JobStatus.Completed ? Now : null;
        await CommitCallAsync(ct);
        return call.NextToken;
    }

    public async Task<IssuedJobToken> JobStatusAsync(long jobId, string? credential, string? status, string? conclusion, CancellationToken ct)
    {
        var (s, c) = ValidateStatus(status, conclusion);
        if (s == JobStatus.Queued)
        {
            throw AnvilException.Invalid("a runner cannot queue a job");
        }
        var call = await BeginCallAsync(jobId, credential, ct);
        if (s == JobStatus.InProgress)
        {
            await CommitCallAsync(ct);
            return call.NextToken;
        }
        var job = call.Job;
        job.Status = JobStatus.Completed;
        job.Conclusion = c;
        job.CompletedAt = Now;
        job.LeaseExpiresAt = null;
        await CommitCallAsync(ct);
        log.LogInformation("job {Job} ({Name}) of run {Run} finished on runner {Runner}: {Conclusion}", jobId, job.Name, job.RunId,
            job.RunnerId, c);
        await db.JobSteps.Where(x => x.JobId == jobId && x.Status != JobStatus.Completed)
            .ExecuteUpdateAsync(x => x.SetProperty(y => y.Status, JobStatus.Completed).SetProperty(y => y.Conclusion, CheckConclusion.Skipped), ct);
        await workflows.SyncCheckRunAsync(jobId, ct);
        await workflows.AdvanceAsync(job.RunId, ct);
        try
        {
            await logs.ArchiveAsync(jobId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The job is done either way; its log stays in the chunks and the sweep archives it later.
            log.LogWarning(e, "log of job {Job} not archived yet", jobId);
        }
        return call.NextToken;
    }

    public async Task<(bool Cancelled, IssuedJobToken Next)> CancelCheckAsync(long jobId, string? credential, CancellationToken ct)
    {
        var call = await BeginCallAsync(jobId, credential, ct);
        await CommitCallAsync(ct);
        return (call.Job.Run.CancelRequested, call.NextToken);
    }

    private static (string Status, string? Conclusion) ValidateStatus(string? status, string? conclusion)
    {
        if (status is not (JobStatus.Queued or JobStatus.InProgress or JobStatus.Completed))
        {
            throw AnvilException.Invalid("status must be queued, in_progress or completed");
        }
        if (status == JobStatus.Completed && !CheckConclusion.All.Contains(conclusion ?? ""))
        {
            throw AnvilException.Invalid($"a completed status needs a conclusion: {string.Join(", ", CheckConclusion.All)}");
        }
        return (status, status == JobStatus.Completed ? conclusion : null);
    }

    /// <summary>
    /// Takes back jobs whose runner stopped calling in: requeued for another runner (with fresh logs and
    /// steps), or failed after <see cref="MaxClaims"/> claims; jobs past their timeout end as timed out.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var now = Now;
        var lost = await db.WorkflowJobs.AsNoTracking().Include(j => j.Run)
            .Where(j => j.Status == JobStatus.InProgress && j.LeaseExpiresAt < now).ToListAsync(ct);
        foreach (var job in lost)
        {
            if (job.Run.CancelRequested || job.Claims >= MaxClaims)
            {
                await workflows.CompleteAsync(job.Id, job.Run.CancelRequested ? CheckConclusion.Cancelled : CheckConclusion.Failure, [JobStatus.InProgress], ct);
                await workflows.AdvanceAsync(job.RunId, ct);
                continue;
            }
            var requeued = await db.WorkflowJobs.Where(j => j.Id == job.Id && j.Status == JobStatus.InProgress && j.TokenId == job.TokenId)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued).SetProperty(j => j.RunnerId, (long?)null)
                    .SetProperty(j => j.RunnerName, (string?)null).SetProperty(j => j.TokenId, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null).SetProperty(j => j.StartedAt, (DateTime?)null), ct);
            if (requeued == 1)
            {
                await db.JobLogChunks.Where(c => c.JobId == job.Id).ExecuteDeleteAsync(ct);
                await artifacts.DeleteForJobAttemptAsync(job.Id, job.Run.RunAttempt, ct); // the next runner uploads them again
                await db.JobSteps.Where(s => s.JobId == job.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, JobStatus.Queued)
                    .SetProperty(x => x.Conclusion, (string?)null).SetProperty(x => x.StartedAt, (DateTime?)null).SetProperty(x => x.CompletedAt, (DateTime?)null), ct);
                await workflows.SyncCheckRunAsync(job.Id, ct);
            }
        }
        var running = await db.WorkflowJobs.AsNoTracking().Where(j => j.Status == JobStatus.InProgress && j.StartedAt != null)
            .Select(j => new { j.Id, j.RunId, j.StartedAt, j.TimeoutMinutes }).ToListAsync(ct);
        foreach (var job in running.Where(j => j.StartedAt!.Value.AddMinutes(j.TimeoutMinutes) + options.RunnerLease < now))
        {
            if (await workflows.CompleteAsync(job.Id, CheckConclusion.TimedOut, [JobStatus.InProgress], ct))
            {
                await workflows.AdvanceAsync(job.RunId, ct);
            }
        }
        // Runs left behind by a crash between a job's completion and the step that moves its run on.
        var stale = await db.WorkflowRuns.AsNoTracking().Where(r => r.Status != RunStatus.Completed && r.UpdatedAt < now.AddSeconds(-5))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(100).ToListAsync(ct);
        foreach (var runId in stale)
        {
            await workflows.AdvanceAsync(runId, ct);
        }
        // Every way a job ends (runner report, cancel, lease lost, timeout, skip) leads here at the latest.
        await logs.ArchivePendingAsync(ct);
        await artifacts.ExpireDueAsync(ct);
    }
}

/// <summary>
/// Periodically takes back lost jobs, ends timed-out ones and archives finished jobs' logs (every node runs it;
/// each step is a compare-and-swap).
/// </summary>
public sealed class ActionsWorker(IServiceScopeFactory scopes, AnvilOptions options, ILogger<ActionsWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RunnerService>().SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "actions sweep failed");
            }
            try
            {
                await Task.Delay(options.ActionsSweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
