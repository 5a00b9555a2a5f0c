using System.Text;

namespace Anvil.Web.Rendering;

/// <summary>
/// A job's log folded per step, as GitHub shows it: the runner starts each step's part with a "▶ {step name}" line,
/// and what comes before the first one is the job's set-up. anvil.js folds a live log the same way.
/// </summary>
public static class JobLog
{
    public const string StepMarker = "▶ ";

    /// <summary>
    /// The set-up text (index 0) and each step's text (index = step number in order, 1-based), and the index of the
    /// part the log ends in (where more text goes). A marker naming no step further on stays in the text.
    /// </summary>
    public static (string[] Parts, int Current) Fold(string log, IReadOnlyList<string> stepNames)
    {
        var parts = new StringBuilder[stepNames.Count + 1];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = new StringBuilder();
        }
        var current = 0;
        var lines = log.Replace("\r\n", "\n").Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var last = n == lines.Length - 1;
            if (last && line.Length == 0)
            {
                break;
            }
            if (line.StartsWith(StepMarker, StringComparison.Ordinal) && Next(stepNames, current, line[StepMarker.Length..]) is { } step)
            {
                current = step;
                continue;
            }
            parts[current].Append(line);
            if (!last)
            {
                parts[current].Append('\n');
            }
        }
        return (parts.Select(p => p.ToString()).ToArray(), current);
    }

    private static int? Next(IReadOnlyList<string> stepNames, int current, string name)
    {
        for (var i = current; i < stepNames.Count; i++)
        {
            if (stepNames[i] == name)
            {
                return i + 1;
            }
        }
        return null;
    }
}
