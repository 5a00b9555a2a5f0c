using System.Diagnostics;

namespace Anvil.Git.Reading;

public sealed record CatFilePoolOptions
{
    /// <summary>Upper bound on cat-file processes working on one repository at once; further callers wait.</summary>
    public int MaxProcessesPerRepository { get; init; } = 4;

    /// <summary>Idle processes kept per repository for reuse.</summary>
    public int MaxIdlePerRepository { get; init; } = 2;

    /// <summary>Idle processes kept across all repositories; the least recently used go first.</summary>
    public int MaxIdleTotal { get; init; } = 64;

    /// <summary>Idle processes older than this are closed, so repacks and deleted repositories do not pin old files.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

public sealed record CatFilePoolStatistics(long ProcessesStarted, long ProcessesDiscarded, int IdleProcesses);

/// <summary>
/// Keeps <c>git cat-file</c> processes alive between requests so that reading an object costs a pipe round trip, not a
/// process start. Thread-safe; create one per application and dispose it on shutdown.
/// </summary>
public sealed class CatFilePool : IDisposable
{
    private readonly CatFilePoolOptions _options;
    private readonly Lock _lock = new();
    // Most recently returned first. Small (MaxIdleTotal), so a linear scan per rent is cheaper than extra indexes.
    private readonly LinkedList<CatFileProcess> _idle = new();
    private readonly Dictionary<string, RepositorySlot> _slots = new(StringComparer.Ordinal);
    private long _started;
    private long _discarded;
    private long _generation;
    private bool _disposed;

    private sealed class RepositorySlot(int maxProcesses)
    {
        public readonly SemaphoreSlim Gate = new(maxProcesses, maxProcesses);
        public int Users;
        public int Idle;
        // Processes started before this generation read a repository since forgotten: they are not kept.
        public long ForgottenAt;
    }

    public CatFilePool(CatFilePoolOptions? options = null)
    {
        _options = options ?? new CatFilePoolOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxProcessesPerRepository);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxIdlePerRepository);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxIdleTotal);
    }

    public CatFilePoolStatistics GetStatistics()
    {
        lock (_lock)
        {
            return new CatFilePoolStatistics(Interlocked.Read(ref _started), Interlocked.Read(ref _discarded), _idle.Count);
        }
    }

    /// <summary>
    /// Closes the processes of one repository, the idle ones now and the busy ones when they come back, and has the
    /// readers drop what they cached of it: after it is deleted, so that a repository created again at the same path
    /// reads only its own objects, and after gc, so that old processes do not pin the pack files it replaced.
    /// </summary>
    public void Forget(string gitDir)
    {
        var key = NormalizeKey(gitDir);
        List<CatFileProcess> evicted = [];
        lock (_lock)
        {
            _generation++;
            for (var node = _idle.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.GitDir == key)
                {
                    RemoveIdle(node, evicted);
                }
                node = next;
            }
            if (_slots.TryGetValue(key, out var slot))
            {
                slot.ForgottenAt = _generation;
            }
            RemoveSlotIfUnused(key);
        }
        DisposeAll(evicted);
        Forgotten?.Invoke(key);
    }

    /// <summary>Raised by <see cref="Forget"/> with the repository's normalized path, for caches of what was read through the pool.</summary>
    internal event Action<string>? Forgotten;

    /// <summary>
    /// Runs <paramref name="action"/> with exclusive use of a cat-file process for <paramref name="gitDir"/>. If the action
    /// fails the process is thrown away; if a reused process turns out to have died, the action is retried once on a fresh one.
    /// </summary>
    internal async Task<T> UseAsync<T>(string gitDir, Func<CatFileProcess, CancellationToken, Task<T>> action, CancellationToken ct)
    {
        var key = NormalizeKey(gitDir);
        var slot = await EnterAsync(key, ct);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var (process, reused) = TakeIdleOrStart(key);
                var healthy = false;
                try
                {
                    T result;
                    // Cancelling mid-answer would leave unread bytes in the pipe; killing the process is the clean way out.
                    using (ct.Register(static p => ((CatFileProcess)p!).Kill(), process))
                    {
                        result = await action(process, ct);
                    }
                    ct.ThrowIfCancellationRequested();
                    healthy = true;
                    return result;
                }
                catch (IOException) when (reused && attempt == 0 && !ct.IsCancellationRequested)
                {
                    // A pooled process died while idle (killed, OOM, repository replaced); start over on a new one.
                }
                finally
                {
                    Release(process, healthy);
                }
            }
        }
        finally
        {
            Leave(key, slot);
        }
    }

    /// <summary>The processes of <paramref name="gitDir"/> that wait in the pool for their next use.</summary>
    internal IReadOnlyList<int> IdleProcessIds(string gitDir)
    {
        var key = NormalizeKey(gitDir);
        lock (_lock)
        {
            return _idle.Where(p => p.GitDir == key).Select(p => p.ProcessId).ToList();
        }
    }

    private async Task<RepositorySlot> EnterAsync(string key, CancellationToken ct)
    {
        RepositorySlot slot;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_slots.TryGetValue(key, out slot!))
            {
                _slots[key] = slot = new RepositorySlot(_options.MaxProcessesPerRepository);
            }
            slot.Users++;
        }
        try
        {
            await slot.Gate.WaitAsync(ct);
            return slot;
        }
        catch
        {
            lock (_lock)
            {
                slot.Users--;
                RemoveSlotIfUnused(key);
            }
            throw;
        }
    }

    private void Leave(string key, RepositorySlot slot)
    {
        slot.Gate.Release();
        lock (_lock)
        {
            slot.Users--;
            RemoveSlotIfUnused(key);
        }
    }

    private (CatFileProcess Process, bool Reused) TakeIdleOrStart(string key)
    {
        List<CatFileProcess> dead = [];
        CatFileProcess? found = null;
        long generation;
        lock (_lock)
        {
            generation = _generation;
            SweepExpired(dead);
            for (var node = _idle.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.GitDir == key)
                {
                    var process = node.Value;
                    RemoveIdle(node, process.HasExited ? dead : null);
                    if (!process.HasExited)
                    {
                        found = process;
                        break;
                    }
                }
                node = next;
            }
        }
        DisposeAll(dead);
        if (found is not null)
        {
            return (found, true);
        }
        Interlocked.Increment(ref _started);
        var started = CatFileProcess.Start(key);
        started.Generation = generation;
        return (started, false);
    }

    private void Release(CatFileProcess process, bool healthy)
    {
        List<CatFileProcess> evicted = [];
        lock (_lock)
        {
            if (healthy && !_disposed && !process.HasExited && _slots.TryGetValue(process.GitDir, out var slot)
                && process.Generation >= slot.ForgottenAt)
            {
                process.IdleSinceTicks = Stopwatch.GetTimestamp();
                _idle.AddFirst(process);
                slot.Idle++;
                // Callers already queued for this repository will want these processes in a moment; only trim
                // beyond what they need. (Users still counts the caller returning this process.)
                if (slot.Idle > Math.Max(_options.MaxIdlePerRepository, slot.Users - 1))
                {
                    RemoveIdle(FindOldestIdle(process.GitDir)!, evicted);
                }
                while (_idle.Count > _options.MaxIdleTotal)
                {
                    RemoveIdle(_idle.Last!, evicted);
                }
            }
            else
            {
                evicted.Add(process);
            }
        }
        DisposeAll(evicted);
    }

    private LinkedListNode<CatFileProcess>? FindOldestIdle(string key)
    {
        for (var node = _idle.Last; node is not null; node = node.Previous)
        {
            if (node.Value.GitDir == key)
            {
                return node;
            }
        }
        return null;
    }

    // Caller holds _lock. A null sink means the caller keeps the process.
    private void RemoveIdle(LinkedListNode<CatFileProcess> node, List<CatFileProcess>? sink)
    {
        _idle.Remove(node);
        if (_slots.TryGetValue(node.Value.GitDir, out var slot))
        {
            slot.Idle--;
        }
        sink?.Add(node.Value);
    }

    private void SweepExpired(List<CatFileProcess> sink)
    {
        var cutoff = Stopwatch.GetTimestamp() - (long)(_options.IdleTimeout.TotalSeconds * Stopwatch.Frequency);
        while (_idle.Last is { } oldest && oldest.Value.IdleSinceTicks < cutoff)
        {
            var key = oldest.Value.GitDir;
            RemoveIdle(oldest, sink);
            RemoveSlotIfUnused(key);
        }
    }

    private void RemoveSlotIfUnused(string key)
    {
        if (_slots.TryGetValue(key, out var slot) && slot.Users == 0 && slot.Idle == 0)
        {
            _slots.Remove(key);
            slot.Gate.Dispose();
        }
    }

    private void DisposeAll(List<CatFileProcess> processes)
    {
        foreach (var p in processes)
        {
            Interlocked.Increment(ref _discarded);
            p.Dispose();
        }
    }

    private static string NormalizeKey(string gitDir) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(gitDir));

    public void Dispose()
    {
        List<CatFileProcess> all;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            all = [.. _idle];
            _idle.Clear();
            foreach (var slot in _slots.Values)
            {
                slot.Idle = 0;
            }
        }
        DisposeAll(all);
    }
}
