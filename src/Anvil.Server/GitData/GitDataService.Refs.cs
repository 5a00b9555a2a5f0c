using Anvil.Server.Repositories;
using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;
using GitRef = Anvil.Git.Reading.GitRefEntry;

namespace Anvil.Server.GitData;

/// <summary>Refs: read, listed by prefix, created, moved (fast-forward unless forced) and deleted, each move like a push.</summary>
public sealed partial class GitDataService
{
    /// <summary>Every ref of the repository whose full name starts with <c>refs/</c> + <paramref name="prefix"/> (a plain string prefix, as GitHub matches).</summary>
    public async Task<List<GitRef>> MatchingRefsAsync(RepositoryGrant grant, string prefix, CancellationToken ct)
    {
        var target = await ReadAsync(grant, ct);
        var full = FullRefName(prefix);
        return (await AllRefsAsync(target.GitDir, ct)).Where(r => r.Name.StartsWith(full, StringComparison.Ordinal)).ToList();
    }

    /// <summary>The ref <c>refs/</c> + <paramref name="refName"/> exactly; not found otherwise.</summary>
    public async Task<GitRef> GetRefAsync(RepositoryGrant grant, string refName, CancellationToken ct)
    {
        var refs = await MatchingRefsAsync(grant, refName, ct);
        var full = FullRefName(refName);
        return refs.FirstOrDefault(r => r.Name == full) ?? throw NotFound();
    }

    public async Task<GitRef> CreateRefAsync(RepositoryGrant grant, string? refName, string? sha, CancellationToken ct)
    {
        var (target, user) = await WriteAsync(grant, ct);
        if (refName is null || !refName.StartsWith("refs/", StringComparison.Ordinal) || refName.Count(c => c == '/') < 2)
        {
            throw AnvilException.Invalid("Reference", "ref", "Reference name must start with 'refs/' and have at least two slashes.");
        }
        RequireWritableRefName(refName);
        var oid = await RequireTargetAsync(target.GitDir, refName, sha, ct);
        var refs = await AllRefsAsync(target.GitDir, ct);
        if (refs.Any(r => r.Name == refName))
        {
            throw AnvilException.Taken("Reference", "ref", "Reference already exists");
        }
        // "a" and "a/b" cannot both exist (one would be a file, the other a directory of refs).
        if (refs.FirstOrDefault(r => r.Name.StartsWith(refName + "/", StringComparison.Ordinal) || refName.StartsWith(r.Name + "/", StringComparison.Ordinal)) is { } clash)
        {
            throw AnvilException.Invalid("Reference", "ref", $"Reference {refName} conflicts with the existing {clash.Name}");
        }
        if (!await repositories.MoveRefAsync(target.Repository, user, refName, RepositoryStore.ZeroOid, oid, ct))
        {
            throw AnvilException.Taken("Reference", "ref", "Reference already exists");
        }
        return await CurrentAsync(target.GitDir, refName, ct);
    }

    /// <summary>Moves an existing ref to <paramref name="sha"/>: only forward (the old commit in the new one's history) unless <paramref name="force"/>.</summary>
    public async Task<GitRef> UpdateRefAsync(RepositoryGrant grant, string refName, string? sha, bool force, CancellationToken ct)
    {
        var (target, user) = await WriteAsync(grant, ct);
        var full = FullRefName(refName);
        RequireWritableRefName(full);
        var current = (await AllRefsAsync(target.GitDir, ct)).FirstOrDefault(r => r.Name == full)
            ?? throw AnvilException.Invalid("Reference", "ref", "Reference does not exist");
        var oid = await RequireTargetAsync(target.GitDir, full, sha, ct);
        if (oid == current.Oid)
        {
            return current;
        }
        if (!force && !await IsFastForwardAsync(target.GitDir, current, oid, ct))
        {
            throw AnvilException.Invalid("Reference", "sha", "Update is not a fast forward");
        }
        if (!await repositories.MoveRefAsync(target.Repository, user, full, current.Oid, oid, ct))
        {
            throw AnvilException.Conflict($"Reference {full} moved meanwhile; read it again and retry");
        }
        return await CurrentAsync(target.GitDir, full, ct);
    }

    public async Task DeleteRefAsync(RepositoryGrant grant, string refName, CancellationToken ct)
    {
        var (target, user) = await WriteAsync(grant, ct);
        var full = FullRefName(refName);
        RequireWritableRefName(full);
        var current = (await AllRefsAsync(target.GitDir, ct)).FirstOrDefault(r => r.Name == full)
            ?? throw AnvilException.Invalid("Reference", "ref", "Reference does not exist");
        if (full == RefNames.Branch(target.Repository.DefaultBranch))
        {
            throw AnvilException.Invalid("Reference", "ref", "the default branch cannot be deleted; make another branch the default first");
        }
        if (!await repositories.MoveRefAsync(target.Repository, user, full, current.Oid, RepositoryStore.ZeroOid, ct))
        {
            throw AnvilException.Conflict($"Reference {full} moved meanwhile; read it again and retry");
        }
    }

    /// <summary>"heads/main" or "refs/heads/main" → "refs/heads/main"; anything that is no plain ref name is refused.</summary>
    private static string FullRefName(string refName)
    {
        var full = refName.StartsWith("refs/", StringComparison.Ordinal) ? refName : "refs/" + refName;
        if (full.Length > GitInput.MaxRevisionLength + 5 || full.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw AnvilException.Invalid("Reference", "ref", "ref is not a valid ref name");
        }
        return full;
    }

    private static void RequireWritableRefName(string full)
    {
        if (!RefNames.IsValid(full) || full.StartsWith('-'))
        {
            throw AnvilException.Invalid("Reference", "ref", "ref is not a valid ref name");
        }
        // refs/pull/N/head is the forge's own record of a pull request's head.
        if (full.StartsWith("refs/pull/", StringComparison.Ordinal))
        {
            throw AnvilException.Invalid("Reference", "ref", "refs/pull/ is kept by the server and cannot be written");
        }
    }

    /// <summary>The full object id <paramref name="sha"/> names, when it is in the repository (a commit, for a branch).</summary>
    private async Task<string> RequireTargetAsync(string gitDir, string refName, string? sha, CancellationToken ct)
    {
        var oid = FullOid(sha) ?? throw AnvilException.Invalid("Reference", "sha", "sha must be a full object id");
        var info = await reader.GetObjectInfoAsync(gitDir, oid, ct) ?? throw AnvilException.Invalid("Reference", "sha", "Object does not exist");
        if (refName.StartsWith(RefNames.BranchPrefix, StringComparison.Ordinal) && info.Type != GitObjectType.Commit)
        {
            throw AnvilException.Invalid("Reference", "sha", "a branch must point at a commit");
        }
        return oid;
    }

    private async Task<bool> IsFastForwardAsync(string gitDir, GitRef current, string newOid, CancellationToken ct) =>
        current.Type == GitObjectType.Commit
        && await reader.GetObjectInfoAsync(gitDir, newOid, ct) is { Type: GitObjectType.Commit }
        && await Merger.IsAncestorAsync(gitDir, current.Oid, newOid, ct);

    private async Task<GitRef> CurrentAsync(string gitDir, string refName, CancellationToken ct) =>
        (await AllRefsAsync(gitDir, ct)).FirstOrDefault(r => r.Name == refName) ?? throw AnvilException.Conflict($"Reference {refName} moved meanwhile");

    private async Task<IReadOnlyList<GitRef>> AllRefsAsync(string gitDir, CancellationToken ct) => await reader.ListRefsAsync(gitDir, ct);
}
