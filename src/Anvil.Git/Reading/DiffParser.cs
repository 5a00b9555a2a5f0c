using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Anvil.Git.Reading;

/// <summary>
/// Parses the output of <c>git diff-tree -r -z --raw --numstat -p</c>: NUL-separated raw records (exact paths, modes,
/// oids, status), then as many numstat records (line counts), an empty record, then the patch text. File metadata comes
/// from the unambiguous -z sections; patch sections are matched to files by order, so quoted paths in patch headers are
/// never parsed.
/// </summary>
internal static partial class DiffParser
{
    private const int MaxRecordBytes = 64 * 1024;

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")]
    private static partial Regex HunkHeader();

    private sealed class FileBuilder
    {
        public required string Path;
        public string? OldPath;
        public DiffFileStatus Status;
        public required string OldMode, NewMode, OldOid, NewOid;
        public int? Similarity;
        public int Additions, Deletions;
        public bool IsBinary, IsTruncated;
        public readonly List<DiffHunk> Hunks = [];
        public int LineCount;

        // Git prints a change between file kinds (e.g. file to symlink) as a deletion section plus a creation section.
        public int PatchSections => OldMode != "000000" && NewMode != "000000" && (Octal(OldMode) & 0xF000) != (Octal(NewMode) & 0xF000) ? 2 : 1;

        public DiffFile Build() => new(Path, OldPath, Status, OldMode, NewMode, OldOid, NewOid, Similarity, Additions, Deletions, IsBinary, Hunks, IsTruncated);

        private static int Octal(string mode) => Convert.ToInt32(mode, 8);
    }

    public static async Task<GitDiff> ParseAsync(GitOutputReader reader, DiffLimits limits, CancellationToken ct)
    {
        var files = new List<FileBuilder>();
        var record = await reader.ReadRecordAsync(0, ct, MaxRecordBytes);
        while (record is { Length: > 0 } && record[0] == (byte)':')
        {
            files.Add(await ReadRawAsync(record, reader, ct));
            record = await reader.ReadRecordAsync(0, ct, MaxRecordBytes);
        }
        foreach (var file in files)
        {
            if (record is null)
            {
                throw new InvalidDataException("diff: fewer numstat records than files");
            }
            await ReadNumstatAsync(record, file, reader, ct);
            record = await reader.ReadRecordAsync(0, ct, MaxRecordBytes);
        }
        if (record is { Length: > 0 })
        {
            throw new InvalidDataException("diff: expected the separator before the patch");
        }

        var complete = await ReadPatchAsync(reader, files, limits, ct);
        var listed = files.Take(limits.MaxFiles).Select(f => f.Build()).ToList();
        return new GitDiff(
            listed,
            files.Count,
            files.Sum(f => f.Additions),
            files.Sum(f => f.Deletions),
            !complete || files.Count > limits.MaxFiles || listed.Any(f => f.IsTruncated));
    }

    // ":<old mode> <new mode> <old oid> <new oid> <status><score>", then the path, or source and destination paths for R/C.
    private static async Task<FileBuilder> ReadRawAsync(byte[] record, GitOutputReader reader, CancellationToken ct)
    {
        var parts = Encoding.ASCII.GetString(record, 1, record.Length - 1).Split(' ');
        if (parts.Length != 5 || parts[4].Length == 0)
        {
            throw new InvalidDataException("diff: malformed raw record");
        }
        var letter = parts[4][0];
        var first = await ReadPathAsync(reader, ct);
        var twoPaths = letter is 'R' or 'C';
        var second = twoPaths ? await ReadPathAsync(reader, ct) : null;
        return new FileBuilder
        {
            OldMode = parts[0],
            NewMode = parts[1],
            OldOid = parts[2],
            NewOid = parts[3],
            Status = letter switch
            {
                'A' => DiffFileStatus.Added,
                'D' => DiffFileStatus.Deleted,
                'R' => DiffFileStatus.Renamed,
                'C' => DiffFileStatus.Copied,
                'T' => DiffFileStatus.TypeChanged,
                _ => DiffFileStatus.Modified,
            },
            Similarity = twoPaths && int.TryParse(parts[4].AsSpan(1), CultureInfo.InvariantCulture, out var score) ? score : null,
            Path = second ?? first,
            OldPath = twoPaths ? first : null,
        };
    }

    // "<added>\t<deleted>\t<path>", or "<added>\t<deleted>\t" followed by two path records for renames and copies.
    // Binary files report "-" for both counts.
    private static async Task ReadNumstatAsync(byte[] record, FileBuilder file, GitOutputReader reader, CancellationToken ct)
    {
        var fields = Encoding.UTF8.GetString(record).Split('\t', 3);
        if (fields.Length != 3)
        {
            throw new InvalidDataException("diff: malformed numstat record");
        }
        if (fields[2].Length == 0)
        {
            await ReadPathAsync(reader, ct);
            await ReadPathAsync(reader, ct);
        }
        file.IsBinary = fields[0] == "-";
        file.Additions = file.IsBinary ? 0 : int.Parse(fields[0], CultureInfo.InvariantCulture);
        file.Deletions = file.IsBinary ? 0 : int.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    private static async Task<string> ReadPathAsync(GitOutputReader reader, CancellationToken ct)
        => Encoding.UTF8.GetString(await reader.ReadRecordAsync(0, ct, MaxRecordBytes) ?? throw new InvalidDataException("diff: missing path"));

    /// <summary>Reads hunks into the files they belong to. Returns false when it stopped early because of the limits.</summary>
    private static async Task<bool> ReadPatchAsync(GitOutputReader reader, List<FileBuilder> files, DiffLimits limits, CancellationToken ct)
    {
        var lineKeep = (int)Math.Min(limits.MaxPatchBytes + 1, MaxRecordBytes * 16);
        long budget = limits.MaxPatchBytes;
        var fileIndex = -1;
        var sectionsLeft = 0;
        FileBuilder? file = null;
        List<DiffLine>? lines = null;
        int oldLeft = 0, newLeft = 0, oldLine = 0, newLine = 0;

        while (await reader.ReadRecordAsync((byte)'\n', lineKeep, ct) is var (bytes, overlong))
        {
            if (oldLeft > 0 || newLeft > 0)
            {
                // Inside a hunk the counts say which lines belong to it, so content that looks like a header cannot confuse us.
                var kind = bytes.Length == 0 ? (byte)' ' : bytes[0];
                var type = kind switch
                {
                    (byte)'+' => DiffLineType.Addition,
                    (byte)'-' => DiffLineType.Deletion,
                    (byte)'\\' => (DiffLineType?)null,
                    _ => DiffLineType.Context,
                };
                if (type is null)
                {
                    MarkNoNewline(lines);
                    continue;
                }
                int? oldNo = type == DiffLineType.Addition ? null : oldLine++;
                int? newNo = type == DiffLineType.Deletion ? null : newLine++;
                if (type != DiffLineType.Addition)
                {
                    oldLeft--;
                }
                if (type != DiffLineType.Deletion)
                {
                    newLeft--;
                }
                if (file!.IsTruncated)
                {
                    continue;
                }
                var content = bytes.Length == 0 ? "" : Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1);
                if (++file.LineCount > limits.MaxLinesPerFile || overlong)
                {
                    file.IsTruncated = true;
                    continue;
                }
                budget -= bytes.Length + 1;
                if (budget < 0)
                {
                    file.IsTruncated = true;
                    MarkUnreadTruncated(files, fileIndex + 1);
                    return false;
                }
                lines!.Add(new DiffLine(type.Value, content, oldNo, newNo));
                continue;
            }

            var line = Encoding.UTF8.GetString(bytes);
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                if (--sectionsLeft <= 0)
                {
                    fileIndex++;
                    if (fileIndex >= files.Count)
                    {
                        throw new InvalidDataException("diff: more patch sections than files");
                    }
                    if (fileIndex >= limits.MaxFiles)
                    {
                        MarkUnreadTruncated(files, fileIndex);
                        return false;
                    }
                    file = files[fileIndex];
                    sectionsLeft = file.PatchSections;
                }
                lines = null;
            }
            else if (line.StartsWith("@@ ", StringComparison.Ordinal) && file is not null)
            {
                var m = HunkHeader().Match(line);
                if (!m.Success)
                {
                    throw new InvalidDataException("diff: malformed hunk header");
                }
                // An omitted count means 1 ("@@ -3 +3 @@").
                var oldStart = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var oldCount = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
                var newStart = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                var newCount = m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 1;
                (oldLeft, newLeft, oldLine, newLine) = (oldCount, newCount, oldStart, newStart);
                lines = [];
                if (!file.IsTruncated)
                {
                    file.Hunks.Add(new DiffHunk(oldStart, oldCount, newStart, newCount, line, m.Groups[5].Value, lines));
                }
            }
            else if (line.StartsWith('\\'))
            {
                MarkNoNewline(lines);
            }
            // Other lines are extended headers (index, mode, similarity, ---/+++, "Binary files differ"); the raw
            // records already carried that information.
        }
        return true;
    }

    // Files whose patch was never read lose their hunks; only those that would have had some count as truncated.
    private static void MarkUnreadTruncated(List<FileBuilder> files, int from)
    {
        for (var i = from; i < files.Count; i++)
        {
            files[i].IsTruncated |= !files[i].IsBinary && files[i].Additions + files[i].Deletions > 0;
        }
    }

    private static void MarkNoNewline(List<DiffLine>? lines)
    {
        if (lines is { Count: > 0 })
        {
            lines[^1] = lines[^1] with { NoNewlineAtEnd = true };
        }
    }
}
