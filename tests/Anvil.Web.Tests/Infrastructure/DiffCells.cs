namespace Anvil.Web.Tests.Infrastructure;

/// <summary>Reading a diff table as a person sees it.</summary>
public static class DiffCells
{
    /// <summary>
    /// For EvaluateAllAsync over cells: each cell's text with the +/- marker the stylesheet draws before a line (not part of
    /// the text, so not copied with it), as it shows on screen.
    /// </summary>
    public const string Seen = """cells => cells.map(c => { const m = getComputedStyle(c, "::before").content; return (m === "none" || m === "normal" ? "" : JSON.parse(m)) + c.textContent; })""";
}
