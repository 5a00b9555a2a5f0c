using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.GitData;
using Anvil.Server.Infrastructure;
using Anvil.Server.Repositories;

namespace Anvil.Server.Browsing;

/// <summary>A change to one file as GitHub's contents API takes it; <paramref name="Content"/> null deletes the file.</summary>
public sealed record FileChange(string? Message, string? Content, string? Sha, string? Branch, PersonInput? Author, PersonInput? Committer);

/// <summary>What a contents write made: the file as it now is (null after a delete) and the commit.</summary>
public sealed record FileChangeResult(Repository Repository, string Branch, GitFile? File, GitCommit Commit, bool Created);

/// <summary>
/// <c>PUT</c> and <c>DELETE /contents/{path}</c>: one commit on a branch, written through git and published with the same
/// compare-and-swap and push events as a <c>git push</c>. The client names the blob it changes (<c>sha</c>), so a change made
/// on a stale copy is refused (409) instead of silently overwriting someone else's.
/// </summary>
public sealed class ContentWriteService(RepositoryStore store, GitReader reader, RepositoryService repositories, Caller caller)
{
    public async Task<FileChangeResult> WriteAsync(RepositoryGrant grant, string? path, FileChange change, bool delete, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Require(RepositoryPermission.Write).Repository;
        var file = PathOf(path);
        if (string.IsNullOrEmpty(change.Message))
        {
            throw AnvilException.Invalid("Content", "message", "message is required");
        }
        byte[]? bytes = null;
        if (!delete)
        {
            if (change.Content is null)
            {
                throw AnvilException.Invalid("Content", "content", "content is required (base64)");
            }
            try
            {
                bytes = Convert.FromBase64String(change.Content);
            }
            catch (FormatException)
            {
                throw AnvilException.Invalid("Content", "content", "content is not valid Base64");
            }
        }
        var branch = string.IsNullOrEmpty(change.Branch) ? repo.DefaultBranch : change.Branch;
        if (!RefNames.IsValidBranch(branch))
        {
            throw AnvilException.Invalid("Content", "branch", "branch is not a valid branch name");
        }
        var gitDir = store.Open(repo).GitDir;
        var refName = RefNames.Branch(branch);
        var head = await reader.ResolveAsync(gitDir, refName, ct);
        // Before the first push a file may still be created, on the default branch: the repository's first commit.
        if (head is null && !(branch == repo.DefaultBranch && (await reader.ListBranchesAsync(gitDir, ct)).Count == 0 && !delete))
        {
            throw AnvilException.NotFound($"Branch {branch} not found");
        }
        var existing = head is null ? null : await reader.GetEntryAsync(gitDir, head, file, ct);
        if (existing is { Kind: GitTreeEntryKind.Tree or GitTreeEntryKind.Submodule })
        {
            throw AnvilException.Invalid("Content", "path", $"{file} is a directory, not a file");
        }
        if (existing is null && delete)
        {
            throw AnvilException.NotFound("Not Found");
        }
        if (existing is not null)
        {
            if (string.IsNullOrEmpty(change.Sha))
            {
                throw AnvilException.Invalid("Content", "sha", "\"sha\" wasn't supplied.");
            }
            if (!string.Equals(change.Sha, existing.Oid, StringComparison.OrdinalIgnoreCase))
            {
                throw AnvilException.Conflict($"{file} does not match {change.Sha}");
            }
        }

        var committer = CommitIdentity.From(change.Committer, user, "Content", "committer");
        var author = change.Author is null ? committer : CommitIdentity.From(change.Author, user, "Content", "author");
        var baseTree = head is null ? null : (await reader.GetCommitAsync(gitDir, head, ct))!.TreeOid;
        var blob = bytes is null ? null : await GitDataWriter.WriteBlobAsync(gitDir, bytes, ct);
        var tree = await GitDataWriter.WriteTreeAsync(gitDir, baseTree, [new TreeChange(file, existing?.Mode ?? "100644", blob)], ct);
        var commit = await GitDataWriter.WriteCommitAsync(gitDir, tree, head is null ? [] : [head], change.Message, author, committer, ct);
        if (!await repositories.MoveRefAsync(repo, user, refName, head ?? RepositoryStore.ZeroOid, commit, ct))
        {
            throw AnvilException.Conflict($"branch {branch} moved while the change was being written; read {file} again and retry");
        }
        var written = delete ? null : await reader.GetFileAsync(gitDir, commit, file, BrowsingService.MaxInlineFileBytes, ct);
        return new FileChangeResult(repo, branch, written, (await reader.GetCommitAsync(gitDir, commit, ct))!, existing is null);
    }

    private static string PathOf(string? path)
    {
        try
        {
            return GitInput.NormalizeWritePath(path);
        }
        catch (GitInputException e)
        {
            throw AnvilException.Invalid("Content", "path", e.Message);
        }
    }
}
