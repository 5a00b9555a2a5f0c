using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using GitRef = Anvil.Git.Reading.GitRefEntry;

namespace Anvil.Server.GitData;

/// <summary>A tree entry as a client gives it: <paramref name="Sha"/> and <paramref name="Content"/> are exclusive; <paramref name="Delete"/> is an explicit <c>"sha": null</c>.</summary>
public sealed record TreeEntryInput(string? Path, string? Mode, string? Type, string? Sha, string? Content, bool Delete);

/// <summary>
/// GitHub's git data API: refs, blobs, trees, commits and annotated tags, read and written in the bare repository through
/// <see cref="GitDataWriter"/>. Every ref move goes through <see cref="RepositoryService.MoveRefAsync"/>: the compare-and-swap
/// and the push events a <c>git push</c> gets.
/// </summary>
public sealed partial class GitDataService(RepositoryStore store, GitReader reader, RepositoryService repositories, Caller caller)
{
    /// <summary>Blobs up to this size are answered inline (base64 in JSON).</summary>
    public const long MaxBlobBytes = 32 * 1024 * 1024;

    /// <summary>GitHub's cap on a recursive tree listing; more is <c>truncated</c>.</summary>
    public const int MaxTreeEntries = 100_000;

    public sealed record Target(Repository Repository, string GitDir);

    public async Task<Target> ReadAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Repository;
        return new Target(repo, store.Open(repo).GitDir);
    }

    private async Task<(Target Target, User User)> WriteAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Require(RepositoryPermission.Write).Repository;
        return (new Target(repo, store.Open(repo).GitDir), user);
    }

    // ---- blobs ----

    public async Task<GitObject> GetBlobAsync(RepositoryGrant grant, string sha, CancellationToken ct)
    {
        var target = await ReadAsync(grant, ct);
        var oid = FullOid(sha) ?? throw NotFound();
        try
        {
            var blob = await reader.ReadObjectAsync(target.GitDir, oid, MaxBlobBytes, ct);
            return blob is { Type: GitObjectType.Blob } ? blob : throw NotFound();
        }
        catch (GitObjectTooLargeException)
        {
            throw AnvilException.Forbidden($"This API returns blobs up to {MaxBlobBytes / 1024 / 1024} MB in size; this one is larger.");
        }
    }

    public async Task<string> CreateBlobAsync(RepositoryGrant grant, string? content, string? encoding, CancellationToken ct)
    {
        var (target, _) = await WriteAsync(grant, ct);
        if (content is null)
        {
            throw AnvilException.Invalid("Blob", "content", "content is required");
        }
        byte[] bytes;
        switch (encoding?.ToLowerInvariant())
        {
            case null or "utf-8" or "utf8":
                bytes = System.Text.Encoding.UTF8.GetBytes(content);
                break;
            case "base64":
                try
                {
                    bytes = Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    throw AnvilException.Invalid("Blob", "content", "content is not valid base64");
                }
                break;
            default:
                throw AnvilException.Invalid("Blob", "encoding", "encoding must be utf-8 or base64");
        }
        return await GitDataWriter.WriteBlobAsync(target.GitDir, bytes, ct);
    }

    // ---- trees ----

    /// <summary>The tree <paramref name="treeish"/> names (a tree id, a commit id, a branch or a tag) and its entries; recursive on request.</summary>
    public async Task<(string Sha, IReadOnlyList<GitTreeEntry> Entries, bool Truncated)> GetTreeAsync(RepositoryGrant grant,
        string treeish, bool recursive, CancellationToken ct)
    {
        var target = await ReadAsync(grant, ct);
        var tree = await TreeOfAsync(target.GitDir, treeish, ct) ?? throw NotFound();
        var entries = await reader.ListTreeAsync(target.GitDir, tree, recursive, ct) ?? throw NotFound();
        return entries.Count > MaxTreeEntries ? (tree, entries.Take(MaxTreeEntries).ToList(), true) : (tree, entries, false);
    }

    public async Task<(string Sha, IReadOnlyList<GitTreeEntry> Entries)> CreateTreeAsync(RepositoryGrant grant, string? baseTree,
        IReadOnlyList<TreeEntryInput>? entries, CancellationToken ct)
    {
        var (target, _) = await WriteAsync(grant, ct);
        if (entries is null)
        {
            throw AnvilException.Invalid("Tree", "tree", "tree is required");
        }
        string? baseOid = null;
        if (!string.IsNullOrEmpty(baseTree))
        {
            baseOid = await TreeOfAsync(target.GitDir, baseTree, ct) ?? throw AnvilException.Invalid("Tree", "base_tree", "base_tree is not a tree in this repository");
        }
        var changes = new List<TreeChange>();
        foreach (var e in entries)
        {
            changes.Add(await TreeChangeAsync(target.GitDir, e, ct));
        }
        var sha = await GitDataWriter.WriteTreeAsync(target.GitDir, baseOid, changes, ct);
        return (sha, await reader.ListTreeAsync(target.GitDir, sha, recursive: false, ct) ?? []);
    }

    private static readonly Dictionary<string, string> TypeOfMode = new()
    {
        ["100644"] = "blob", ["100755"] = "blob", ["120000"] = "blob", ["040000"] = "tree", ["160000"] = "commit",
    };

    private async Task<TreeChange> TreeChangeAsync(string gitDir, TreeEntryInput e, CancellationToken ct)
    {
        string path;
        try
        {
            path = GitInput.NormalizeWritePath(e.Path);
        }
        catch (GitInputException ex)
        {
            throw AnvilException.Invalid("Tree", "path", $"tree.path is invalid: {ex.Message}");
        }
        var mode = e.Mode is "40000" ? "040000" : e.Mode;
        if (mode is null || !TypeOfMode.TryGetValue(mode, out var type))
        {
            throw AnvilException.Invalid("Tree", "mode", "tree.mode must be one of 100644, 100755, 040000, 160000, 120000");
        }
        if (e.Type is not null && e.Type != type)
        {
            throw AnvilException.Invalid("Tree", "type", $"tree.type must be {type} for mode {mode}");
        }
        if (e.Delete)
        {
            return new TreeChange(path, mode, null);
        }
        if (e.Sha is not null && e.Content is not null)
        {
            throw AnvilException.Invalid("Tree", "content", "tree.sha and tree.content cannot both be given");
        }
        if (e.Content is not null)
        {
            if (type != "blob")
            {
                throw AnvilException.Invalid("Tree", "content", "tree.content is only for blobs");
            }
            return new TreeChange(path, mode, await GitDataWriter.WriteBlobAsync(gitDir, System.Text.Encoding.UTF8.GetBytes(e.Content), ct));
        }
        var oid = FullOid(e.Sha) ?? throw AnvilException.Invalid("Tree", "sha", "tree.sha or tree.content is required (a full object id)");
        // A submodule's commit lives in another repository; everything else must be here, and of the type the mode says.
        if (type != "commit" && await TypeOfAsync(gitDir, oid, ct) != type)
        {
            throw AnvilException.Invalid("Tree", "sha", $"tree.sha {oid} is not a {type} in this repository");
        }
        return new TreeChange(path, mode, oid);
    }

    // ---- shared ----

    /// <summary>The lowercase full object id <paramref name="sha"/> is, or null when it is none.</summary>
    private static string? FullOid(string? sha) => sha?.ToLowerInvariant() is { } s && GitInput.IsFullOid(s) ? s : null;

    private async Task<string?> TypeOfAsync(string gitDir, string oid, CancellationToken ct) =>
        (await reader.GetObjectInfoAsync(gitDir, oid, ct))?.Type.ToString().ToLowerInvariant();

    /// <summary>The tree <paramref name="treeish"/> is or leads to: a tree id, a commit id, or a branch, tag or ref naming a commit.</summary>
    private async Task<string?> TreeOfAsync(string gitDir, string treeish, CancellationToken ct)
    {
        if (FullOid(treeish) is { } oid && await reader.GetObjectInfoAsync(gitDir, oid, ct) is { Type: GitObjectType.Tree })
        {
            return oid;
        }
        string? commit;
        try
        {
            commit = await reader.ResolveAsync(gitDir, treeish, ct);
        }
        catch (GitInputException)
        {
            return null;
        }
        return commit is null ? null : (await reader.GetCommitAsync(gitDir, commit, ct))?.TreeOid;
    }

    private static AnvilException NotFound() => AnvilException.NotFound("Not Found");
}
