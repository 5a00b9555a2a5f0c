using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;

namespace Anvil.Server.Auth;

/// <summary>What a credential resolved to: its user, and for an access token the token itself.</summary>
public sealed record Principal(User User, AccessToken? Token, DateTime? ExpiresAt);

/// <summary>
/// Credentials (the digest of a session or access token) resolved to their principal in the last few seconds, so a
/// signed-in request does not pay a database round trip to learn who it is. Any committed write to users, sessions or
/// access tokens — sign-out, revocation, a password reset, disabling or deleting a user, a profile edit — forgets every
/// entry (see <see cref="CredentialChangeInterceptor"/>), so the old credential is refused at once everywhere: on this
/// node at the commit; in every process sharing the data directory (other nodes, the admin CLI) through a change
/// stamp, a file there that each such write grows by a byte and each held entry is checked against (one <c>stat</c>);
/// and, for a volume whose metadata a node caches (NFS), over the cluster bus before the write's response is sent.
/// </summary>
/// <remarks>
/// Forgetting everything rather than one user's entries: the write does not say whose credentials it touched, and
/// such writes are rare next to reads. <see cref="Lifetime"/> bounds what a node could serve if every signal missed.
/// </remarks>
public sealed class CredentialCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private const string Channel = "credentials";
    /// <summary>A flood of distinct credentials (most of them wrong, never cached) cannot grow it past this.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IClusterBus _bus;
    private readonly TimeProvider _clock;
    private readonly ILogger<CredentialCache> _log;
    private readonly IDisposable _subscription;
    private readonly string _stampPath;
    private long _generation;

    /// <summary>Where a lookup stood: this node's count of changes heard and the data directory's change stamp.</summary>
    public readonly record struct Generation(long Heard, long StampLength, long StampTicks);

    private sealed record Entry(Principal Principal, Generation Generation, DateTime CachedAt);

    /// <summary>Past this size the stamp starts again from empty (its length and time together still move).</summary>
    private const long LongestStamp = 1 << 20;

    public CredentialCache(IClusterBus bus, TimeProvider clock, Infrastructure.AnvilOptions options, ILogger<CredentialCache> log)
    {
        _bus = bus;
        _stampPath = Path.Combine(options.DataDir, "credential-changes");
        _clock = clock;
        _log = log;
        _subscription = bus.Subscribe(Channel, _ =>
        {
            ForgetHere();
            return Task.CompletedTask;
        });
    }

    /// <summary>Taken before a credential is looked up, and handed back to <see cref="Add"/> with what was found.</summary>
    public Generation Current()
    {
        var heard = Interlocked.Read(ref _generation);
        var stamp = new FileInfo(_stampPath);
        return stamp.Exists ? new Generation(heard, stamp.Length, stamp.LastWriteTimeUtc.Ticks) : new Generation(heard, 0, 0);
    }

    /// <summary>
    /// The principal of <paramref name="digest"/> if it is held, still fresh and its credential not expired. Each caller
    /// gets its own copies of the entities: a request may change its <see cref="Caller"/>'s user, others must not see that.
    /// </summary>
    public Principal? Find(string digest)
    {
        if (!_entries.TryGetValue(digest, out var entry))
        {
            return null;
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        if (now - entry.CachedAt > Lifetime || entry.Principal.ExpiresAt <= now || entry.Generation != Current())
        {
            _entries.TryRemove(KeyValuePair.Create(digest, entry));
            return null;
        }
        var p = entry.Principal;
        return new Principal(p.User.Copy(), p.Token is null ? null : p.Token.Copy(), p.ExpiresAt);
    }

    /// <summary>Holds what <paramref name="digest"/> resolved to, unless a change was heard since <paramref name="generation"/>.</summary>
    public void Add(string digest, Principal principal, Generation generation)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        var entry = new Entry(new Principal(principal.User.Copy(), principal.Token is null ? null : principal.Token.Copy(), principal.ExpiresAt),
            generation, _clock.GetUtcNow().UtcDateTime);
        _entries[digest] = entry;
        // A change heard while it was being looked up (or just now) may have made it stale: it must not stay.
        if (generation != Current())
        {
            _entries.TryRemove(KeyValuePair.Create(digest, entry));
        }
    }

    /// <summary>Forgets every entry on this node, at once: the next request with any credential asks the database.</summary>
    public void ForgetHere()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>Moves the change stamp (every process sharing the data directory sees it at its next lookup), then forgets here.</summary>
    public void Changed()
    {
        try
        {
            var stamp = new FileInfo(_stampPath);
            if (stamp.Exists && stamp.Length >= LongestStamp)
            {
                File.WriteAllBytes(_stampPath, []);
            }
            else
            {
                using var file = new FileStream(_stampPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                file.WriteByte((byte)'.');
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(e, "could not record a credential change in {Path}; other processes learn of it over the bus only", _stampPath);
        }
        ForgetHere();
    }

    /// <summary>Tells every other node to forget (this one already has); a failure leaves them to <see cref="Lifetime"/>.</summary>
    public async Task TellOtherNodesAsync()
    {
        try
        {
            await _bus.PublishAsync(Channel, "");
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "could not tell other nodes of a credential change");
        }
    }

    public void Dispose() => _subscription.Dispose();
}

/// <summary>
/// Forgets the <see cref="CredentialCache"/> when a write to users, sessions or access tokens commits: here at once,
/// and on the other nodes before the response of the request that made it starts (so whoever signed out, revoked or
/// disabled learns it is done only once every node has been told). A write outside a request (a background job)
/// tells them without waiting.
/// </summary>
internal sealed partial class CredentialChangeInterceptor(CredentialCache cache, IHttpContextAccessor http) : CommittedWriteInterceptor
{
    /// <summary>Tag of a statement that writes to those tables without changing what a credential resolves to.</summary>
    public const string NotACredentialChange = "not a credential change";

    private static readonly object Told = new();

    [GeneratedRegex("""\b(?:UPDATE|DELETE\s+FROM|MERGE\s+INTO)\s+"(?:Users|Sessions|AccessTokens)"(?:\s|$)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialWrite();

    protected override bool Concerns(DbCommand command) =>
        !command.CommandText.StartsWith("-- " + NotACredentialChange, StringComparison.Ordinal) && CredentialWrite().IsMatch(command.CommandText);

    protected override void Committed()
    {
        cache.Changed();
        TellBeforeTheResponse(http, Told, cache.TellOtherNodesAsync);
    }
}
