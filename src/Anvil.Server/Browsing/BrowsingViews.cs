using System.Text;
using System.Text.Json.Serialization;
using Anvil.Git.Reading;

namespace Anvil.Server.Browsing;

/// <summary>The JSON shapes of code browsing on the sigmagit surface (camelCase; optional fields left out when absent).</summary>
public static class BrowsingViews
{
    public sealed record Branch(string Name, string Oid, bool IsDefault);

    public sealed record Person(string Name, string Email, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username, DateTime Date);

    /// <param name="Timestamp">When the change was authored (what a history view shows).</param>
    public sealed record Commit(string Oid, string Message, string Summary, Person Author, Person Committer, IReadOnlyList<string> Parents, DateTime Timestamp);

    public sealed record TreeEntry(string Name, string Path, string Type, string Mode, string Oid,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Size,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Commit? LastCommit);

    public sealed record Tree(IReadOnlyList<TreeEntry> Files, bool IsEmpty);

    /// <param name="Content">Text as is ("utf-8") or bytes as base64 ("base64"); null with <see cref="TooLarge"/> or for submodules.</param>
    public sealed record File(string Name, string Path, string Type, string Mode, string Oid, long Size, string? Content, string? Encoding, bool TooLarge,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target);

    public sealed record Line(string Type, string Content,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OldLineNumber,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? NewLineNumber,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? NoNewlineAtEnd);

    public sealed record Hunk(int OldStart, int OldLines, int NewStart, int NewLines, string Header, IReadOnlyList<Line> Lines);

    public sealed record DiffFile(string Path,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OldPath,
        string Status, string OldMode, string NewMode, string OldOid, string NewOid, int Additions, int Deletions,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Binary,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Truncated,
        IReadOnlyList<Hunk> Hunks);

    /// <param name="FilesChanged">Every changed file, also those left out of <c>files</c> by the limits.</param>
    public sealed record DiffStats(int FilesChanged, int Additions, int Deletions);

    /// <param name="Parent">The first parent the diff is against; null for a root commit (diffed against the empty tree).</param>
    /// <param name="Truncated">Files or hunks were left out because the diff is too big to show whole.</param>
    public sealed record Diff(Commit Commit, string? Parent, IReadOnlyList<DiffFile> Files, DiffStats Stats, bool Truncated);

    public sealed record BranchList(IEnumerable<Branch> Branches);

    public sealed record BranchEnvelope(Branch Branch);

    public sealed record CommitList(IEnumerable<Commit> Commits, bool HasMore);

    public static Branch ToView(this BranchInfo b) => new(b.Name, b.CommitOid, b.IsDefault);

    public static Commit ToView(this GitCommit c, CommitUsers users) =>
        new(c.Oid, c.Message, c.Summary, Who(c.Author, users), Who(c.Committer, users), c.ParentOids, c.Author.When.UtcDateTime);

    private static Person Who(Anvil.Git.Reading.RecordedSignature s, CommitUsers users) => new(s.Name, s.Email, users.For(s)?.Username, s.When.UtcDateTime);

    public static Tree ToView(this TreeListing t) => new(
        t.Entries.Select(e => new TreeEntry(e.Name, e.Path, TypeName(e.Kind), e.Mode, e.Oid, e.Size,
            t.LastCommits?.GetValueOrDefault(e.Name)?.ToView(t.Users))).ToList(),
        t.Target.IsEmpty);

    /// <summary>"file", "dir", "symlink" or "submodule" — the names GitHub's contents API uses too.</summary>
    public static string TypeName(GitTreeEntryKind kind) => kind switch
    {
        GitTreeEntryKind.Tree => "dir",
        GitTreeEntryKind.Symlink => "symlink",
        GitTreeEntryKind.Submodule => "submodule",
        _ => "file",
    };

    public static File ToView(this FileContent f)
    {
        var (content, encoding) = Encode(f.File);
        var e = f.File.Entry;
        return new File(e.Name, e.Path, TypeName(e.Kind), e.Mode, e.Oid, f.File.Size, content, encoding, f.File.IsTooLarge, f.File.SymlinkTarget);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Text that is valid UTF-8 goes as is; anything else as base64, so no byte is ever lost.</summary>
    public static (string? Content, string? Encoding) Encode(GitFile file)
    {
        if (file.Content is not { } bytes)
        {
            return (null, null);
        }
        if (!file.IsBinary)
        {
            try
            {
                return (StrictUtf8.GetString(bytes), "utf-8");
            }
            catch (DecoderFallbackException)
            {
            }
        }
        return (Convert.ToBase64String(bytes), "base64");
    }

    public static Diff ToView(this CommitDetail d) => new(
        d.Commit.ToView(d.Users),
        d.Commit.ParentOids.Count > 0 ? d.Commit.ParentOids[0] : null,
        d.Diff.Files.Select(ToView).ToList(),
        new DiffStats(d.Diff.FilesChanged, d.Diff.Additions, d.Diff.Deletions),
        d.Diff.IsTruncated);

    public static DiffFile ToView(this Anvil.Git.Reading.DiffFile f) => new(f.Path, f.OldPath, StatusName(f.Status), f.OldMode, f.NewMode, f.OldOid, f.NewOid,
        f.Additions, f.Deletions, f.IsBinary ? true : null, f.IsTruncated ? true : null,
        f.Hunks.Select(h => new Hunk(h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Header,
            h.Lines.Select(l => new Line(LineTypeName(l.Type), l.Content, l.OldLineNumber, l.NewLineNumber, l.NoNewlineAtEnd ? true : null)).ToList())).ToList());

    /// <summary>A type change (file to symlink…) is shown as a modification, as GitHub does.</summary>
    public static string StatusName(DiffFileStatus status) => status switch
    {
        DiffFileStatus.Added => "added",
        DiffFileStatus.Deleted => "deleted",
        DiffFileStatus.Renamed => "renamed",
        DiffFileStatus.Copied => "copied",
        _ => "modified",
    };

    private static string LineTypeName(DiffLineType type) => type switch
    {
        DiffLineType.Addition => "addition",
        DiffLineType.Deletion => "deletion",
        _ => "context",
    };
}
