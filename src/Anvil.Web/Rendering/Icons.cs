namespace Anvil.Web.Rendering;

/// <summary>
/// The few 16px icons the pages draw, inline so they cost no request. A file listing draws one per row, so the shapes
/// are defined once per page (<see cref="Sprite"/>, written by the listing) and each row only points at one: that keeps
/// a 200-entry tree's HTML to about a third of what a full icon per row weighs.
/// </summary>
public static class Icons
{
    public const string Sprite =
        "<svg class=\"icon-sprite\" aria-hidden=\"true\" width=\"0\" height=\"0\">"
        + "<symbol id=\"icon-folder\" viewBox=\"0 0 16 16\"><path d=\"M1.75 1A1.75 1.75 0 0 0 0 2.75v10.5C0 14.216.784 15 1.75 15h12.5A1.75 1.75 0 0 0 16 13.25v-8.5A1.75 1.75 0 0 0 14.25 3H7.5a.25.25 0 0 1-.2-.1l-.9-1.2C6.07 1.26 5.55 1 5 1z\"/></symbol>"
        + "<symbol id=\"icon-file\" viewBox=\"0 0 16 16\"><path d=\"M2 1.75C2 .784 2.784 0 3.75 0h6.586c.464 0 .909.184 1.237.513l2.914 2.914c.329.328.513.773.513 1.237v9.586A1.75 1.75 0 0 1 13.25 16h-9.5A1.75 1.75 0 0 1 2 14.25Zm1.75-.25a.25.25 0 0 0-.25.25v12.5c0 .138.112.25.25.25h9.5a.25.25 0 0 0 .25-.25V6h-2.75A1.75 1.75 0 0 1 9 4.25V1.5Zm6.75.062V4.25c0 .138.112.25.25.25h2.688l-.011-.013-2.914-2.914-.013-.011Z\"/></symbol>"
        + "<symbol id=\"icon-submodule\" viewBox=\"0 0 16 16\"><path d=\"M0 2.75C0 1.784.784 1 1.75 1H5c.55 0 1.07.26 1.4.7l.9 1.2a.25.25 0 0 0 .2.1h6.75c.966 0 1.75.784 1.75 1.75v8.5A1.75 1.75 0 0 1 14.25 15H1.75A1.75 1.75 0 0 1 0 13.25Zm9.42 9.36 2.883-2.677a.25.25 0 0 0 0-.366L9.42 6.39a.249.249 0 0 0-.42.183V8.5H4.75a.75.75 0 0 0 0 1.5H9v1.927c0 .218.26.331.42.183Z\"/></symbol>"
        + "</svg>";

    public const string Folder = "<svg class=\"icon icon-dir\" aria-hidden=\"true\"><use href=\"#icon-folder\"/></svg>";

    public const string File = "<svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-file\"/></svg>";

    public const string Submodule = "<svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-submodule\"/></svg>";

    /// <summary>The small icon beside a timeline event, by GitHub's event name.</summary>
    public static string ForEvent(string kind) => kind switch
    {
        "labeled" or "unlabeled" => Event("<path d=\"M2 2.5h5.2l6.3 6.3-4.7 4.7L2.5 7.2V2.5Z\"/><circle cx=\"5\" cy=\"5\" r=\"1\"/>"),
        "assigned" or "unassigned" => Event("<circle cx=\"8\" cy=\"5\" r=\"2.75\"/><path d=\"M2.5 14c.6-3 2.8-4.5 5.5-4.5s4.9 1.5 5.5 4.5\"/>"),
        "renamed" => Event("<path d=\"M11 2.5 13.5 5 6 12.5H3.5V10Z\"/>"),
        "locked" or "unlocked" => Event("<rect x=\"3\" y=\"7\" width=\"10\" height=\"7\" rx=\"1\"/><path d=\"M5.5 7V5a2.5 2.5 0 0 1 5 0v2\"/>"),
        "closed" => Event("<circle cx=\"8\" cy=\"8\" r=\"6\"/><path d=\"m5.5 8 2 2 3-3.5\"/>"),
        "reopened" => Event("<circle cx=\"8\" cy=\"8\" r=\"6\"/><circle cx=\"8\" cy=\"8\" r=\"1\"/>"),
        "merged" => Event("<circle cx=\"4.5\" cy=\"3.5\" r=\"1.5\"/><circle cx=\"4.5\" cy=\"12.5\" r=\"1.5\"/><circle cx=\"11.5\" cy=\"8\" r=\"1.5\"/><path d=\"M4.5 5v6M4.5 5c0 2 2 3 5.5 3\"/>"),
        "referenced" => Event("<circle cx=\"8\" cy=\"8\" r=\"2.5\"/><path d=\"M1 8h4.5M10.5 8H15\"/>"),
        "cross-referenced" => Event("<path d=\"M6.5 9.5 9.5 6.5M7 4.5l1.5-1.5a2.8 2.8 0 0 1 4 4L11 8.5M9 11.5 7.5 13a2.8 2.8 0 0 1-4-4L5 7.5\"/>"),
        _ => Event("<circle cx=\"8\" cy=\"8\" r=\"5\"/>"),
    };

    private static string Event(string shapes) =>
        "<svg width=\"16\" height=\"16\" viewBox=\"0 0 16 16\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.4\" stroke-linecap=\"round\" stroke-linejoin=\"round\">" + shapes + "</svg>";
}
