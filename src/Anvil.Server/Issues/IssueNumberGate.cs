namespace Anvil.Server.Issues;

/// <summary>
/// Serializes issue creation per repository within this process (striped, so memory stays fixed). Only an
/// optimisation of connection use under bursts: correctness comes from the database row lock.
/// </summary>
public sealed class IssueNumberGate
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> EnterAsync(long repositoryId, CancellationToken ct)
    {
        var stripe = _stripes[(int)((ulong)repositoryId % (ulong)_stripes.Length)];
        await stripe.WaitAsync(ct);
        return new Turn(stripe);
    }

    private sealed class Turn(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
