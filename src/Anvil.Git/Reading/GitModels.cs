namespace Anvil.Git.Reading;

public enum GitObjectType
{
    Blob,
    Tree,
    Commit,
    Tag,
}

/// <summary>What cat-file reports about an object without reading its content.</summary>
public sealed record GitObjectInfo(string Oid, GitObjectType Type, long Size);

/// <summary>A fully loaded object. Only produced for objects under the caller's size limit.</summary>
public sealed record GitObject(string Oid, GitObjectType Type, long Size, byte[] Data);

/// <summary>
/// An author or committer line as a commit records it (<see cref="Anvil.Git.Storage.GitSignature"/> is the identity to write one).
/// <see cref="When"/> is UTC; the original zone is kept separately for display.
/// </summary>
public sealed record RecordedSignature(string Name, string Email, DateTimeOffset When, TimeSpan UtcOffset);

public sealed record GitCommit(
    string Oid,
    string TreeOid,
    IReadOnlyList<string> ParentOids,
    RecordedSignature Author,
    RecordedSignature Committer,
    string Message,
    string Summary);

public sealed record CommitPage(IReadOnlyList<GitCommit> Commits, bool HasMore);

/// <summary>
/// Which commits of a history to keep: touching <paramref name="Path"/>, committed from <paramref name="Since"/> up to
/// <paramref name="Until"/>, authored with the address <paramref name="AuthorEmail"/>. All optional.
/// </summary>
public sealed record HistoryFilter(string? Path = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? AuthorEmail = null);

public sealed record GitBranch(string Name, string CommitOid);

/// <param name="TargetOid">What the ref points at: the tag object for annotated tags, otherwise the tagged object.</param>
/// <param name="CommitOid">The commit the tag peels to, or null when it tags a tree or blob.</param>
public sealed record GitTag(string Name, string TargetOid, string? CommitOid, bool IsAnnotated);

public enum GitTreeEntryKind
{
    Blob,
    Tree,
    Symlink,
    /// <summary>A gitlink (mode 160000); <see cref="GitTreeEntry.Oid"/> is a commit in another repository.</summary>
    Submodule,
}

/// <param name="Path">Repository-relative path using '/' separators; empty for the root tree.</param>
/// <param name="Size">Object size for blobs and symlinks; null for trees and submodules, and until sizes are loaded.</param>
public sealed record GitTreeEntry(string Name, string Path, GitTreeEntryKind Kind, string Mode, string Oid, long? Size)
{
    public bool IsExecutable => Mode == "100755";
}

/// <summary>
/// A file at a commit. <see cref="Content"/> is null when the blob is larger than the requested limit
/// (<see cref="IsTooLarge"/>) or the entry has no content of its own (submodules).
/// </summary>
public sealed record GitFile(GitTreeEntry Entry, long Size, byte[]? Content, bool IsTooLarge, bool IsBinary, string? SymlinkTarget);
