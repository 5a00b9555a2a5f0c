namespace Anvil.Git.Reading;

/// <summary>
/// A thread-safe least-recently-used cache bounded by the total weight of its values. Meant for data keyed by
/// object id, which never changes, so there is no expiry, only eviction.
/// </summary>
public sealed class LruCache<TKey, TValue> where TKey : notnull
{
    private readonly long _capacity;
    private readonly Dictionary<TKey, LinkedListNode<Item>> _map = new();
    private readonly LinkedList<Item> _order = new();
    private readonly Lock _lock = new();
    private long _weight;

    private sealed record Item(TKey Key, TValue Value, long Weight);

    public LruCache(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Stores a value; values heavier than the whole cache are not stored at all.</summary>
    public void Set(TKey key, TValue value, long weight)
    {
        weight = Math.Max(1, weight);
        if (weight > _capacity)
        {
            return;
        }
        lock (_lock)
        {
            if (_map.Remove(key, out var existing))
            {
                _order.Remove(existing);
                _weight -= existing.Value.Weight;
            }
            _map[key] = _order.AddFirst(new Item(key, value, weight));
            _weight += weight;
            while (_weight > _capacity && _order.Last is { } oldest)
            {
                _order.RemoveLast();
                _map.Remove(oldest.Value.Key);
                _weight -= oldest.Value.Weight;
            }
        }
    }

    /// <summary>Drops every value whose key matches, e.g. all of a repository that no longer exists.</summary>
    public void RemoveWhere(Func<TKey, bool> match)
    {
        lock (_lock)
        {
            for (var node = _order.First; node is not null;)
            {
                var next = node.Next;
                if (match(node.Value.Key))
                {
                    _order.Remove(node);
                    _map.Remove(node.Value.Key);
                    _weight -= node.Value.Weight;
                }
                node = next;
            }
        }
    }
}
