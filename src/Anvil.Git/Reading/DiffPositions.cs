namespace Anvil.Git.Reading;

/// <summary>
/// GitHub's diff position: a line's index in one file's diff text, the line below the first <c>@@</c> header being 1 and
/// the count running on through later hunk headers and "\ No newline at end of file" markers. Older clients name the line
/// a review comment is on this way; Anvil keeps side and line, and this is the one mapping between the two.
/// </summary>
public static class DiffPositions
{
    public const string Right = "RIGHT";
    public const string Left = "LEFT";

    /// <summary>The side and line at <paramref name="position"/>; null when it is a hunk header, a marker, or past the diff.</summary>
    public static (string Side, int Line)? LineAt(DiffFile file, int position)
    {
        foreach (var (pos, line) in Positions(file))
        {
            if (pos == position)
            {
                return line.Type == DiffLineType.Deletion ? (Left, line.OldLineNumber!.Value) : (Right, line.NewLineNumber!.Value);
            }
            if (pos > position)
            {
                break;
            }
        }
        return null;
    }

    /// <summary>The position of <paramref name="line"/> on <paramref name="side"/> (RIGHT: the head's numbering, LEFT: the base's); null when it is not in the diff.</summary>
    public static int? PositionOf(DiffFile file, string side, int line)
    {
        foreach (var (pos, l) in Positions(file))
        {
            var found = side == Left
                ? l.Type != DiffLineType.Addition && l.OldLineNumber == line
                : l.Type != DiffLineType.Deletion && l.NewLineNumber == line;
            if (found)
            {
                return pos;
            }
        }
        return null;
    }

    private static IEnumerable<(int Position, DiffLine Line)> Positions(DiffFile file)
    {
        var pos = 0;
        for (var h = 0; h < file.Hunks.Count; h++)
        {
            if (h > 0)
            {
                pos++; // a later hunk's header has a position of its own
            }
            foreach (var line in file.Hunks[h].Lines)
            {
                yield return (++pos, line);
                if (line.NoNewlineAtEnd)
                {
                    pos++;
                }
            }
        }
    }
}
