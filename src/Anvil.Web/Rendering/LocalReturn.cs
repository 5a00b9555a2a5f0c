namespace Anvil.Web.Rendering;

/// <summary>Where to go after signing in: only a path on this site, so the parameter cannot send anyone elsewhere.</summary>
public static class LocalReturn
{
    public static string Of(string? returnTo) =>
        returnTo is { Length: > 0 } r && r[0] == '/' && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal)
            ? r
            : "/";

    public static string Login(string currentPath) => "/login?return_to=" + Uri.EscapeDataString(currentPath);
}
