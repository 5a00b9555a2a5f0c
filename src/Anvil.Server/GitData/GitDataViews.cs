using System.Text;
using System.Text.Json.Serialization;
using Anvil.Git.Reading;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.GitData;

/// <summary>GitHub's JSON shapes for the git data API (<c>/repos/{owner}/{repo}/git/…</c>).</summary>
public static class GitDataViews
{
    public sealed record ObjectRef(string Type, string Sha, string Url);

    public sealed record Ref([property: JsonPropertyName("ref")] string Name, string NodeId, string Url, ObjectRef Object);

    public sealed record BlobCreated(string Url, string Sha);

    public sealed record Blob(string Content, string Encoding, string Url, string Sha, long Size, string NodeId);

    public sealed record TreeEntry(string Path, string Mode, string Type, string Sha,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Size,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url);

    public sealed record Tree(string Sha, string Url, [property: JsonPropertyName("tree")] List<TreeEntry> Entries, bool Truncated);

    public sealed record Person(string Name, string Email, DateTime Date);

    /// <summary>Anvil does not verify signatures: every object reads as GitHub's "unsigned".</summary>
    public sealed record Verification(bool Verified, string Reason, string? Signature, string? Payload, DateTime? VerifiedAt);

    public sealed record ShaRef(string Sha, string Url);

    public sealed record ParentRef(string Sha, string Url, string HtmlUrl);

    public sealed record Commit(string Sha, string NodeId, string Url, string HtmlUrl, Person Author, Person Committer, ShaRef Tree, string Message,
        List<ParentRef> Parents, Verification Verification);

    public sealed record Tag(string NodeId, [property: JsonPropertyName("tag")] string Name, string Sha, string Url, string Message, Person? Tagger, ObjectRef Object, Verification Verification);

    private static readonly Verification Unsigned = new(false, "unsigned", null, null, null);

    /// <summary>The API and web addresses of one repository, for building object URLs.</summary>
    public sealed record Links(string BaseUrl, Repository Repository)
    {
        public string Api => $"{BaseUrl}/api/v1/repos/{Repository.Owner.Username}/{Repository.Name}";
        public string Html => $"{BaseUrl}/{Repository.Owner.Username}/{Repository.Name}";

        public string Object(string type, string sha) => type switch
        {
            "commit" => $"{Api}/git/commits/{sha}",
            "tree" => $"{Api}/git/trees/{sha}",
            "blob" => $"{Api}/git/blobs/{sha}",
            _ => $"{Api}/git/tags/{sha}",
        };
    }

    private static string NodeId(string kind, string sha) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{kind}:{sha}"));

    private static string TypeName(GitObjectType t) => t.ToString().ToLowerInvariant();

    public static Ref ToView(this GitRefEntry r, Links links) =>
        new(r.Name, NodeId("Ref", r.Name), $"{links.Api}/git/{r.Name}", new ObjectRef(TypeName(r.Type), r.Oid, links.Object(TypeName(r.Type), r.Oid)));

    public static Blob ToView(this GitObject blob, Links links) =>
        // GitHub's base64: lines of 76 characters (as MIME wraps them), each ending in a newline.
        new(blob.Data.Length == 0 ? "" : Convert.ToBase64String(blob.Data, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n") + "\n", "base64",
            links.Object("blob", blob.Oid), blob.Oid, blob.Size, NodeId("Blob", blob.Oid));

    public static Tree ToView(this IReadOnlyList<GitTreeEntry> entries, string sha, bool truncated, Links links) =>
        new(sha, links.Object("tree", sha), entries.Select(e =>
        {
            var type = e.Kind switch { GitTreeEntryKind.Tree => "tree", GitTreeEntryKind.Submodule => "commit", _ => "blob" };
            return new TreeEntry(e.Path, e.Mode, type, e.Oid, type == "blob" ? e.Size : null, type == "commit" ? null : links.Object(type, e.Oid));
        }).ToList(), truncated);

    private static Person ToView(this RecordedSignature s) => new(s.Name, s.Email, s.When.UtcDateTime);

    public static Commit ToView(this GitCommit c, Links links) =>
        new(c.Oid, NodeId("Commit", c.Oid), links.Object("commit", c.Oid), $"{links.Html}/commit/{c.Oid}", c.Author.ToView(), c.Committer.ToView(),
            new ShaRef(c.TreeOid, links.Object("tree", c.TreeOid)), c.Message,
            c.ParentOids.Select(p => new ParentRef(p, links.Object("commit", p), $"{links.Html}/commit/{p}")).ToList(), Unsigned);

    public static Tag ToView(this GitTagObject t, Links links) =>
        new(NodeId("Tag", t.Oid), t.Name, t.Oid, links.Object("tag", t.Oid), t.Message, t.Tagger?.ToView(),
            new ObjectRef(t.ObjectType, t.ObjectOid, links.Object(t.ObjectType, t.ObjectOid)), Unsigned);
}
