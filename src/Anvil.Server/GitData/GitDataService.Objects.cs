using Anvil.Server.Repositories;
using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;
using Anvil.Server.Users;

namespace Anvil.Server.GitData;

/// <summary>Commit and annotated tag objects: read by id, and written from a tree and parents, or around an object.</summary>
public sealed partial class GitDataService
{
    public async Task<GitCommit> GetCommitAsync(RepositoryGrant grant, string sha, CancellationToken ct)
    {
        var target = await ReadAsync(grant, ct);
        var oid = FullOid(sha) ?? throw NotFound();
        return await reader.GetObjectInfoAsync(target.GitDir, oid, ct) is { Type: GitObjectType.Commit }
            && await reader.GetCommitAsync(target.GitDir, oid, ct) is { } commit
            ? commit : throw NotFound();
    }

    public async Task<GitCommit> CreateCommitAsync(RepositoryGrant grant, string? message, string? tree,
        IReadOnlyList<string>? parents, PersonInput? author, PersonInput? committer, CancellationToken ct)
    {
        var (target, user) = await WriteAsync(grant, ct);
        if (message is null)
        {
            throw AnvilException.Invalid("Commit", "message", "message is required");
        }
        var treeOid = FullOid(tree) ?? throw AnvilException.Invalid("Commit", "tree", "tree must be the full sha of a tree");
        if (await reader.GetObjectInfoAsync(target.GitDir, treeOid, ct) is not { Type: GitObjectType.Tree })
        {
            throw AnvilException.Invalid("Commit", "tree", $"tree {treeOid} is not a tree in this repository");
        }
        var parentOids = new List<string>();
        foreach (var parent in parents ?? [])
        {
            var oid = FullOid(parent);
            if (oid is null || await reader.GetObjectInfoAsync(target.GitDir, oid, ct) is not { Type: GitObjectType.Commit })
            {
                throw AnvilException.Invalid("Commit", "parents", $"parent {parent} is not a commit in this repository");
            }
            parentOids.Add(oid);
        }
        var authorSignature = CommitIdentity.From(author, user, "Commit", "author");
        // GitHub: a committer not given is the author.
        var committerSignature = committer is null ? authorSignature : CommitIdentity.From(committer, user, "Commit", "committer");
        var sha = await WriteObjectAsync(() => GitDataWriter.WriteCommitAsync(target.GitDir, treeOid, parentOids, message, authorSignature, committerSignature, ct));
        return await reader.GetCommitAsync(target.GitDir, sha, ct) ?? throw new InvalidOperationException("written commit vanished");
    }

    public async Task<GitTagObject> GetTagAsync(RepositoryGrant grant, string sha, CancellationToken ct)
    {
        var target = await ReadAsync(grant, ct);
        var oid = FullOid(sha) ?? throw NotFound();
        return await reader.GetTagObjectAsync(target.GitDir, oid, ct) ?? throw NotFound();
    }

    private static readonly string[] TaggableTypes = ["commit", "tree", "blob", "tag"];

    public async Task<GitTagObject> CreateTagAsync(RepositoryGrant grant, string? tag, string? message, string? objectSha,
        string? type, PersonInput? tagger, CancellationToken ct)
    {
        var (target, user) = await WriteAsync(grant, ct);
        if (string.IsNullOrEmpty(tag) || !RefNames.IsValid(RefNames.Tag(tag)) || tag.StartsWith('-'))
        {
            throw AnvilException.Invalid("Tag", "tag", "tag must be a valid tag name");
        }
        if (message is null)
        {
            throw AnvilException.Invalid("Tag", "message", "message is required");
        }
        if (type is null || !TaggableTypes.Contains(type))
        {
            throw AnvilException.Invalid("Tag", "type", "type must be one of commit, tree, blob, tag");
        }
        var oid = FullOid(objectSha) ?? throw AnvilException.Invalid("Tag", "object", "object must be a full object id");
        if (await TypeOfAsync(target.GitDir, oid, ct) is not { } actual)
        {
            throw AnvilException.Invalid("Tag", "object", "Object does not exist");
        }
        if (actual != type)
        {
            throw AnvilException.Invalid("Tag", "type", $"object {oid} is a {actual}, not a {type}");
        }
        var signature = CommitIdentity.From(tagger, user, "Tag", "tagger");
        var sha = await WriteObjectAsync(() => GitDataWriter.WriteTagAsync(target.GitDir, new TagObject(tag, message, oid, type, signature), ct));
        return await reader.GetTagObjectAsync(target.GitDir, sha, ct) ?? throw new InvalidOperationException("written tag vanished");
    }

    /// <summary>Runs a write git checks further (mktag's fsck, say): what it still refuses is the client's input, a 422.</summary>
    private static async Task<string> WriteObjectAsync(Func<Task<string>> write)
    {
        try
        {
            return await write();
        }
        catch (GitCommandException e)
        {
            throw AnvilException.Invalid($"git refused the object: {e.Stderr.Trim()}");
        }
    }
}
