namespace Anvil.Git.Reading;

public enum DiffFileStatus
{
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    TypeChanged,
}

public enum DiffLineType
{
    Context,
    Addition,
    Deletion,
}

/// <param name="Content">The line without its +/-/space prefix and without the newline.</param>
/// <param name="NoNewlineAtEnd">Git printed "\ No newline at end of file" after this line.</param>
public sealed record DiffLine(DiffLineType Type, string Content, int? OldLineNumber, int? NewLineNumber, bool NoNewlineAtEnd = false);

/// <param name="Header">The whole "@@ -a,b +c,d @@ ..." line.</param>
/// <param name="Section">Text after the closing @@ (git's function context), or empty.</param>
public sealed record DiffHunk(int OldStart, int OldLines, int NewStart, int NewLines, string Header, string Section, IReadOnlyList<DiffLine> Lines);

/// <param name="OldPath">The source path for renames and copies, else null.</param>
/// <param name="OldMode">"000000" for added files; likewise <paramref name="NewMode"/> for deleted ones.</param>
/// <param name="Similarity">Rename/copy similarity percentage.</param>
/// <param name="Additions">Line counts from git's numstat; complete even when hunks are truncated. Zero for binary files.</param>
/// <param name="IsTruncated">Some or all of this file's hunks were left out because of <see cref="DiffLimits"/>.</param>
public sealed record DiffFile(
    string Path,
    string? OldPath,
    DiffFileStatus Status,
    string OldMode,
    string NewMode,
    string OldOid,
    string NewOid,
    int? Similarity,
    int Additions,
    int Deletions,
    bool IsBinary,
    IReadOnlyList<DiffHunk> Hunks,
    bool IsTruncated);

/// <param name="FilesChanged">All changed files, including any beyond <see cref="DiffLimits.MaxFiles"/>.</param>
/// <param name="IsTruncated">Files were left out or some file is truncated.</param>
public sealed record GitDiff(IReadOnlyList<DiffFile> Files, int FilesChanged, int Additions, int Deletions, bool IsTruncated);

/// <summary>Bounds on what a diff may cost; exceeding them truncates rather than fails.</summary>
/// <param name="MaxFiles">Files listed at most; totals still count every file.</param>
/// <param name="MaxPatchBytes">Hunk line content kept across the whole diff.</param>
/// <param name="MaxLinesPerFile">Hunk lines kept per file.</param>
public sealed record DiffLimits(int MaxFiles = 1000, long MaxPatchBytes = 4 * 1024 * 1024, int MaxLinesPerFile = 10_000)
{
    public static DiffLimits Default { get; } = new();
}
