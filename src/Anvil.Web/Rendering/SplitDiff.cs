using Anvil.Git.Reading;

namespace Anvil.Web.Rendering;

/// <summary>One row of a side-by-side diff: the old line on the left, the new on the right (either may be empty).</summary>
/// <param name="Left">Index in the hunk's lines of the old side's line, or -1.</param>
/// <param name="Right">Index in the hunk's lines of the new side's line, or -1.</param>
public readonly record struct SplitRow(int Left, int Right);

public static class SplitDiff
{
    /// <summary>
    /// A hunk's rows side by side, as GitHub pairs them: a context line on both sides; a run of deletions beside the
    /// run of additions that follows it, line for line, the shorter run padded with empty cells.
    /// </summary>
    public static List<SplitRow> Rows(DiffHunk hunk)
    {
        var lines = hunk.Lines;
        var rows = new List<SplitRow>(lines.Count);
        var i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Type == DiffLineType.Context)
            {
                rows.Add(new SplitRow(i, i));
                i++;
                continue;
            }
            var deletions = i;
            while (i < lines.Count && lines[i].Type == DiffLineType.Deletion)
            {
                i++;
            }
            var additions = i;
            while (i < lines.Count && lines[i].Type == DiffLineType.Addition)
            {
                i++;
            }
            var deleted = additions - deletions;
            var added = i - additions;
            for (var k = 0; k < Math.Max(deleted, added); k++)
            {
                rows.Add(new SplitRow(k < deleted ? deletions + k : -1, k < added ? additions + k : -1));
            }
        }
        return rows;
    }
}
