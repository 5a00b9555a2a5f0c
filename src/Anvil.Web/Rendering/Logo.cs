namespace Anvil.Web.Rendering;

public static class Logo
{
    /// <summary>An anvil, drawn in the text colour.</summary>
    public const string Svg =
        "<svg aria-hidden=\"true\" width=\"24\" height=\"24\" viewBox=\"0 0 24 24\"><path fill=\"currentColor\" d=\"M3 6h13c0 2.2 2 4 5 4v2c-2.5 0-4.2 1-5 2.6V16h2v2H6v-2h2v-1.4C6.6 13.3 4.5 12 3 12z\"/></svg>";
}
