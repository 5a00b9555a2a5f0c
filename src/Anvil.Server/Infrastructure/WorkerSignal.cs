using System.Threading.Channels;

namespace Anvil.Server.Infrastructure;

/// <summary>
/// Wakes one background worker of this process as soon as there is work, instead of at its next poll (other nodes
/// find the work by polling). Notifications while the worker is busy collapse into one wake-up. One subclass per
/// worker, so each is its own singleton.
/// </summary>
public abstract class WorkerSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits until notified or until <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _channel.Reader.WaitToReadAsync(cts.Token);
            _channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }
}
