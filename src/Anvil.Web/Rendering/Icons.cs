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
}
