using System.Text;
using System.Text.Json.Serialization;
using Anvil.Git.Reading;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Browsing;

/// <summary>Branches, commits and contents in GitHub's shapes (snake_case on the v1 surface).</summary>
public static class BrowsingV1Views
{
    public sealed record CommitRef(string Sha, string Url);

    public sealed record Branch(string Name, CommitRef Commit, bool Protected);

    public sealed record BranchLinks(string Self, string Html);

    public sealed record StatusChecks(string EnforcementLevel, List<string> Contexts);

    public sealed record BranchProtection(bool Enabled, StatusChecks RequiredStatusChecks);

    /// <summary>GitHub's single-branch answer: the tip as a full commit object, hypermedia links, and protection (none on Anvil).</summary>
    public sealed record BranchDetail(string Name, CommitView Commit,
        [property: JsonPropertyName("_links")] BranchLinks Links, bool Protected, BranchProtection Protection, string ProtectionUrl);

    public sealed record GitPerson(string Name, string Email, DateTime Date);

    public sealed record GitCommitPart(GitPerson Author, GitPerson Committer, string Message, CommitRef Tree, string Url, int CommentCount);

    public sealed record Parent(string Sha, string Url, string HtmlUrl);

    public sealed record Stats(int Total, int Additions, int Deletions);

    public sealed record File(string Sha, string Filename, string Status, int Additions, int Deletions, int Changes,
        string BlobUrl, string RawUrl, string ContentsUrl,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Patch,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PreviousFilename);

    public sealed record CommitView(string Sha, string NodeId, GitCommitPart Commit, string Url, string HtmlUrl,
        UserViews.V1SimpleUser? Author, UserViews.V1SimpleUser? Committer, IReadOnlyList<Parent> Parents,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Stats? Stats,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<File>? Files);

    /// <summary>An entry of a directory listing, or (with content) a file.</summary>
    public sealed record ContentView(string Type, long Size, string Name, string Path, string Sha, string Url, string? GitUrl, string HtmlUrl, string? DownloadUrl,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Encoding,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target)
    {
        /// <summary>GitHub's hypermedia for an item: the same three URLs as its fields.</summary>
        [JsonPropertyName("_links")]
        public ContentLinks Links => new(Url, GitUrl, HtmlUrl);
    }

    public sealed record ContentLinks(string Self, string? Git, string Html);

    /// <summary>URLs of one repository as the v1 surface links them.</summary>
    public sealed class Links(string baseUrl, Repository repo)
    {
        public string BaseUrl => baseUrl;
        // Built once: a page of commits links each commit, its tree and its parents from these.
        public string Api { get; } = $"{baseUrl}/api/v1/repos/{Esc(repo.Owner.Username)}/{Esc(repo.Name)}";
        public string Html { get; } = $"{baseUrl}/{Esc(repo.Owner.Username)}/{Esc(repo.Name)}";
        public string Commit(string sha) => $"{Api}/commits/{sha}";
        public string HtmlCommit(string sha) => $"{Html}/commit/{sha}";
        public string Contents(string path, string gitRef) => $"{Api}/contents/{EscPath(path)}?ref={Esc(gitRef)}";
        public string HtmlBlob(string path, string gitRef, bool dir) => $"{Html}/{(dir ? "tree" : "blob")}/{EscPath(gitRef)}/{EscPath(path)}";
        public string Raw(string path, string gitRef) =>
            $"{baseUrl}/api/repositories/{Esc(repo.Owner.Username)}/{Esc(repo.Name)}/file?branch={Esc(gitRef)}&path={Esc(path)}&return=1";
    }

    private static string Esc(string s) => Uri.EscapeDataString(s);

    private static string EscPath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public static Branch ToV1(this BranchInfo b, Links links) => new(b.Name, new CommitRef(b.CommitOid, links.Commit(b.CommitOid)), false);

    public static BranchDetail ToV1(this BranchInfo b, GitCommit tip, CommitUsers users, Links links)
    {
        var self = $"{links.Api}/branches/{EscPath(b.Name)}";
        return new BranchDetail(b.Name, tip.ToV1(users, links), new BranchLinks(self, $"{links.Html}/tree/{EscPath(b.Name)}"), false,
            new BranchProtection(false, new StatusChecks("off", [])), self + "/protection");
    }

    public static CommitView ToV1(this GitCommit c, CommitUsers users, Links links, GitDiff? diff = null)
    {
        // GitHub shows the message without git's closing newline.
        var part = new GitCommitPart(Person(c.Author), Person(c.Committer), c.Message.TrimEnd('\n'), new CommitRef(c.TreeOid, $"{links.Api}/git/trees/{c.TreeOid}"),
            $"{links.Api}/git/commits/{c.Oid}", 0);
        var author = users.V1For(c.Author, links.BaseUrl);
        var committer = users.V1For(c.Committer, links.BaseUrl);
        return new CommitView(c.Oid, Convert.ToBase64String(Encoding.ASCII.GetBytes("C_" + c.Oid)), part, links.Commit(c.Oid), links.HtmlCommit(c.Oid),
            author, committer, c.ParentOids.Select(p => new Parent(p, links.Commit(p), links.HtmlCommit(p))).ToList(),
            diff is null ? null : new Stats(diff.Additions + diff.Deletions, diff.Additions, diff.Deletions),
            diff?.Files.Select(f => ToV1(f, c.Oid, links)).ToList());
    }

    private static GitPerson Person(Anvil.Git.Reading.RecordedSignature s) => new(s.Name, s.Email, s.When.UtcDateTime);

    public static File ToV1(this DiffFile f, string commitOid, Links links) => new(
        f.Status == DiffFileStatus.Deleted ? f.OldOid : f.NewOid, f.Path, BrowsingViews.StatusName(f.Status), f.Additions, f.Deletions,
        f.Additions + f.Deletions, links.HtmlBlob(f.Path, commitOid, false), links.Raw(f.Path, commitOid), links.Contents(f.Path, commitOid),
        f.IsBinary ? null : Patch(f), f.OldPath);

    /// <summary>The unified diff text of one file's hunks, as GitHub's <c>patch</c> field carries it.</summary>
    private static string Patch(DiffFile f)
    {
        var sb = new StringBuilder();
        foreach (var h in f.Hunks)
        {
            sb.Append(h.Header).Append('\n');
            foreach (var l in h.Lines)
            {
                sb.Append(l.Type switch { DiffLineType.Addition => '+', DiffLineType.Deletion => '-', _ => ' ' }).Append(l.Content).Append('\n');
                if (l.NoNewlineAtEnd)
                {
                    sb.Append("\\ No newline at end of file\n");
                }
            }
        }
        return sb.Length > 0 ? sb.ToString(0, sb.Length - 1) : "";
    }

    public static ContentView ToV1(this GitTreeEntry e, string gitRef, Links links) => Entry(e, e.Size ?? 0, gitRef, links, null, null, null);

    public static ContentView ToV1(this GitFile f, string gitRef, Links links)
    {
        if (f.Entry.Kind == GitTreeEntryKind.Symlink)
        {
            return Entry(f.Entry, f.Size, gitRef, links, null, null, f.SymlinkTarget);
        }
        // GitHub sends encoding "none" and no content for files too big to inline; download_url still works.
        var (content, encoding) = f.Content is { } bytes ? (Convert.ToBase64String(bytes), "base64") : f.IsTooLarge ? ("", "none") : (null, null);
        return Entry(f.Entry, f.Size, gitRef, links, encoding, content, null);
    }

    private static ContentView Entry(GitTreeEntry e, long size, string gitRef, Links links, string? encoding, string? content, string? target)
    {
        var type = BrowsingViews.TypeName(e.Kind);
        var isFile = e.Kind is GitTreeEntryKind.Blob or GitTreeEntryKind.Symlink;
        var gitUrl = e.Kind switch
        {
            GitTreeEntryKind.Tree => $"{links.Api}/git/trees/{e.Oid}",
            GitTreeEntryKind.Submodule => null,
            _ => $"{links.Api}/git/blobs/{e.Oid}",
        };
        return new ContentView(type, isFile ? size : 0, e.Name, e.Path, e.Oid, links.Contents(e.Path, gitRef), gitUrl,
            links.HtmlBlob(e.Path, gitRef, e.Kind == GitTreeEntryKind.Tree), isFile ? links.Raw(e.Path, gitRef) : null,
            encoding, content, target);
    }
}
