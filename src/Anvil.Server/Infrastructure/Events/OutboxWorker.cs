using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Infrastructure.Events;

/// <summary>
/// Dispatches committed events nobody dispatched: their process died between the commit and the dispatch. It looks at
/// start-up and then every <see cref="AnvilOptions.OutboxSweepInterval"/>, takes only events whose lease ran out, and
/// claims each with a compare-and-swap on the lease, so two nodes never dispatch the same event at once.
/// </summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, AnvilOptions options, TimeProvider clock, ILogger<OutboxWorker> log) : BackgroundService
{
    public const int MaxAttempts = 5;
    private const int BatchSize = 50;
    private static readonly TimeSpan KeepDispatched = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SweepOnceAsync(stoppingToken) == BatchSize)
                {
                }
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "outbox sweep failed");
            }
            try
            {
                await Task.Delay(options.OutboxSweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Dispatches up to one batch of orphaned events; returns how many it looked at.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        List<OutboxEvent> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var now = clock.GetUtcNow().UtcDateTime;
            due = await scope.ServiceProvider.GetRequiredService<AnvilDbContext>().Set<OutboxEvent>().AsNoTracking()
                .Where(o => o.DispatchedAt == null && o.ClaimedUntil < now).OrderBy(o => o.Id).Take(BatchSize).ToListAsync(ct);
        }
        foreach (var row in due)
        {
            await DispatchAsync(row, ct);
        }
        return due.Count;
    }

    private async Task DispatchAsync(OutboxEvent row, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.Set<OutboxEvent>().Where(o => o.Id == row.Id && o.DispatchedAt == null && o.ClaimedUntil == row.ClaimedUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedUntil, now + options.OutboxLease).SetProperty(o => o.Attempts, o => o.Attempts + 1), ct);
        if (claimed == 0)
        {
            return; // another node took it
        }
        try
        {
            var evt = OutboxSerializer.Deserialize(row.Type, row.Payload) ?? throw new InvalidOperationException($"unknown event type {row.Type}");
            log.LogWarning("dispatching {Event} {Id} from the outbox: its raiser did not", row.Type, row.Id);
            await scope.ServiceProvider.GetRequiredService<DomainEvents>().ReplayAsync(evt, row.Id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "outbox event {Id} ({Event}) could not be dispatched", row.Id, row.Type);
            var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            var giveUp = row.Attempts + 1 >= MaxAttempts;
            await db.Set<OutboxEvent>().Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.LastError, error)
                .SetProperty(o => o.DispatchedAt, o => giveUp ? (DateTime?)now : o.DispatchedAt), CancellationToken.None);
        }
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var before = clock.GetUtcNow().UtcDateTime - KeepDispatched;
        await scope.ServiceProvider.GetRequiredService<AnvilDbContext>().Set<OutboxEvent>()
            .Where(o => o.DispatchedAt != null && o.DispatchedAt < before).ExecuteDeleteAsync(ct);
    }
}
