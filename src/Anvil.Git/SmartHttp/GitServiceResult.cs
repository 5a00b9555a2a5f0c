using Anvil.Git.Storage;

namespace Anvil.Git.SmartHttp;

/// <summary>One ref a push changed. <see cref="RepositoryStore.ZeroOid"/> as old means created, as new means deleted.</summary>
public sealed record RefChange(string RefName, string OldOid, string NewOid)
{
    public bool IsCreate => OldOid == RepositoryStore.ZeroOid;
    public bool IsDelete => NewOid == RepositoryStore.ZeroOid;
}

/// <summary>
/// How one upload-pack/receive-pack request went. <see cref="RefChanges"/> lists exactly the refs this request
/// changed (always empty for upload-pack and for rejected pushes); <see cref="Stderr"/> is git's diagnostics,
/// for the server's logs only (never send it to the client: it can contain paths).
/// </summary>
public sealed record GitServiceResult(int ExitCode, string Stderr, IReadOnlyList<RefChange> RefChanges)
{
    public bool Success => ExitCode == 0;
}
