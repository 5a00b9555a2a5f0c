using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Infrastructure.Events;

/// <summary>Events reach handlers after the change they announce is committed, and never for one rolled back.</summary>
public sealed class DomainEventsTests : IAsyncLifetime
{
    public sealed record Happened(string What) : IDomainEvent;

    private sealed class Recorder : IDomainEventHandler<Happened>
    {
        public List<string> Seen { get; } = [];

        public Task HandleAsync(Happened evt, CancellationToken ct)
        {
            Seen.Add(evt.What);
            return Task.CompletedTask;
        }
    }

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "anvil-events-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Recorder _recorder = new();
    private readonly ServiceProvider _services;

    public DomainEventsTests()
    {
        Directory.CreateDirectory(_dir);
        var services = new ServiceCollection().AddLogging();
        var options = new AnvilOptions { DataDir = _dir, Secret = new byte[32] };
        services.AddAnvilDatabase(options);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<DomainEvents>();
        services.AddSingleton<IDomainEventHandler<Happened>>(_recorder);
        _services = services.BuildServiceProvider();
    }

    public Task InitializeAsync() => DatabaseSetup.MigrateAsync(_services, default);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Outside_a_transaction_an_event_is_delivered_at_once()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DomainEvents>().PublishAsync(new Happened("now"), default);
        Assert.Equal(["now"], _recorder.Seen);
    }

    [Fact]
    public async Task Inside_a_transaction_an_event_waits_for_the_commit()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var events = scope.ServiceProvider.GetRequiredService<DomainEvents>();
        await using var tx = await db.Database.BeginTransactionAsync();
        await events.PublishAsync(new Happened("inside"), default);
        Assert.Empty(_recorder.Seen);
        await events.CommitAsync(tx, default);
        Assert.Equal(["inside"], _recorder.Seen);
    }

    [Fact]
    public async Task An_event_of_a_rolled_back_transaction_is_never_delivered()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var events = scope.ServiceProvider.GetRequiredService<DomainEvents>();
        await using (var doomed = await db.Database.BeginTransactionAsync())
        {
            await events.PublishAsync(new Happened("rolled back"), default);
        } // disposed without a commit: rolled back
        await using var next = await db.Database.BeginTransactionAsync();
        await events.PublishAsync(new Happened("committed"), default);
        await events.CommitAsync(next, default);
        Assert.Equal(["committed"], _recorder.Seen);
    }

    [Fact]
    public async Task A_committed_event_is_written_to_the_outbox_with_its_change_and_marked_dispatched_after()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var events = scope.ServiceProvider.GetRequiredService<DomainEvents>();
        await using (var doomed = await db.Database.BeginTransactionAsync())
        {
            await events.PublishAsync(new Happened("rolled back"), default);
        }
        await using var tx = await db.Database.BeginTransactionAsync();
        await events.PublishAsync(new Happened("kept"), default);
        await events.CommitAsync(tx, default);

        await using var check = _services.CreateAsyncScope();
        var row = Assert.Single(await check.ServiceProvider.GetRequiredService<AnvilDbContext>().Set<OutboxEvent>().AsNoTracking().ToListAsync());
        Assert.Equal(typeof(Happened).FullName, row.Type);
        Assert.Contains("kept", row.Payload);
        Assert.NotNull(row.DispatchedAt);
    }
}
