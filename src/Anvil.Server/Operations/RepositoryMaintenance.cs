using System.Globalization;
using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Operations;

/// <summary>
/// Keeps bare repositories healthy: <c>git fsck</c> and <c>git gc</c> on demand (admin CLI), and a scheduled
/// <c>git gc</c> of every repository changed since the previous scheduled run.
/// </summary>
public sealed class RepositoryMaintenance(AnvilDbContext db, RepositoryStore store, AnvilOptions options, TimeProvider clock,
    ILogger<RepositoryMaintenance> log)
{
    /// <summary>
    /// Pushes are recorded a moment after their objects land; a run looks back this much further than the
    /// previous run's start so a push recorded while that run was choosing repositories is not missed.
    /// </summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>When the previous scheduled run started; kept in the data dir so restarts and every node agree.</summary>
    private string MarkerPath => Path.Combine(options.DataDir, "maintenance-last-run");

    public async Task<FsckReport> FsckAsync(Repository repo, CancellationToken ct)
    {
        using var _ = Observability.TimeGitOperation("fsck");
        var report = await store.Open(repo).FsckAsync(ct);
        Observability.GitOperations.WithLabels("fsck", report.Healthy ? "ok" : "failed").Inc();
        return report;
    }

    public async Task GcAsync(Repository repo, CancellationToken ct)
    {
        using var _ = Observability.TimeGitOperation("gc");
        try
        {
            await store.Open(repo).GcAsync(ct);
        }
        catch (GitCommandException)
        {
            Observability.GitOperations.WithLabels("gc", "failed").Inc();
            throw;
        }
        Observability.GitOperations.WithLabels("gc", "ok").Inc();
    }

    /// <summary>When the next scheduled run is due: one interval after the previous run, or now if there was none.</summary>
    public DateTimeOffset NextRunAt(TimeSpan interval) => LastRunAt() is { } last ? last + interval : clock.GetUtcNow();

    /// <summary>Collects garbage in every repository changed since the previous run; returns how many it maintained.</summary>
    public async Task<int> RunScheduledAsync(CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var since = LastRunAt() is { } last ? (last - Overlap).UtcDateTime : DateTime.MinValue;
        var changed = await db.Repositories.AsNoTracking().Include(r => r.Owner)
            .Where(r => r.UpdatedAt >= since).OrderBy(r => r.Id).ToListAsync(ct);
        var maintained = 0;
        foreach (var repo in changed)
        {
            if (!store.Open(repo).Exists)
            {
                continue; // deleted since
            }
            try
            {
                await GcAsync(repo, ct);
                maintained++;
            }
            catch (GitCommandException e)
            {
                // One bad repository (or a gc another node is running) must not stop the others.
                log.LogWarning("git gc of {Repository} failed: {Error}", $"{repo.Owner.Username}/{repo.Name}", e.Message);
            }
        }
        await File.WriteAllTextAsync(MarkerPath, started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), ct);
        log.LogInformation("repository maintenance collected garbage in {Count} of {Changed} changed repositories", maintained, changed.Count);
        return maintained;
    }

    private DateTimeOffset? LastRunAt() =>
        File.Exists(MarkerPath) && DateTimeOffset.TryParse(File.ReadAllText(MarkerPath).Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
}

/// <summary>Runs <see cref="RepositoryMaintenance.RunScheduledAsync"/> every <c>ANVIL_MAINTENANCE_INTERVAL_SECONDS</c> (0: never).</summary>
public sealed class RepositoryMaintenanceWorker(IServiceScopeFactory scopes, AnvilOptions options, TimeProvider clock,
    ILogger<RepositoryMaintenanceWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.MaintenanceInterval is not { } interval)
        {
            return;
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var maintenance = scope.ServiceProvider.GetRequiredService<RepositoryMaintenance>();
                    var wait = maintenance.NextRunAt(interval) - clock.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, clock, stoppingToken);
                        continue; // re-read the marker: another node may have run meanwhile
                    }
                    try
                    {
                        await maintenance.RunScheduledAsync(stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        log.LogError(e, "repository maintenance failed");
                        await Task.Delay(interval, clock, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
