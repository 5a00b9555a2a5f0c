using System.Text;

namespace Anvil.Server.Users;

/// <summary>The JSON shapes of a user, on each surface. Every endpoint that shows a user uses these.</summary>
public static class UserViews
{
    public sealed record Summary(string Id, string Username, string Name, string AvatarUrl);

    public sealed record Profile(string Id, string Username, string Name, string AvatarUrl, string Bio, string Location,
        string Website, string Company, string Pronouns, DateTime CreatedAt);

    public sealed record Me(string Id, string Username, string Email, string Name, string AvatarUrl, string Bio, string Location,
        string Website, string Company, string Pronouns, bool EmailVerified, bool IsAdmin, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record MeEnvelope(Me User);

    public sealed record SummaryEnvelope(Summary User);

    public sealed record ProfileEnvelope(Profile User);

    /// <summary>The caller's editable settings; <see cref="Preferences"/> is the client's free-form object.</summary>
    public sealed record Settings(string Name, string Email, string Bio, string Location, string Website, string Company, string Pronouns,
        string AvatarUrl, System.Text.Json.Nodes.JsonObject Preferences);

    public sealed record SettingsEnvelope(Settings Settings);

    public sealed record PreferencesEnvelope(System.Text.Json.Nodes.JsonObject Preferences);

    public sealed record AvatarView(string AvatarUrl);

    public static string AvatarUrl(User u, string baseUrl) =>
        $"{baseUrl}/api/users/{Uri.EscapeDataString(u.Username)}/avatar?v={u.AvatarVersion}";

    public static Summary ToSummary(this User u, string baseUrl) => new(u.Id.ToString(), u.Username, u.Name, AvatarUrl(u, baseUrl));

    public static Profile ToProfile(this User u, string baseUrl) =>
        new(u.Id.ToString(), u.Username, u.Name, AvatarUrl(u, baseUrl), u.Bio, u.Location, u.Website, u.Company, u.Pronouns, u.CreatedAt);

    public static Me ToMe(this User u, string baseUrl) =>
        new(u.Id.ToString(), u.Username, u.Email, u.Name, AvatarUrl(u, baseUrl), u.Bio, u.Location, u.Website, u.Company,
            u.Pronouns, u.EmailVerified, u.IsAdmin, u.CreatedAt, u.UpdatedAt);

    /// <summary>GitHub's "simple user", as nested in repos, issues, pulls (Octokit reads <c>login</c>, <c>id</c>…).</summary>
    public sealed record V1SimpleUser(string Login, long Id, string NodeId, string AvatarUrl, string GravatarId, string Url,
        string HtmlUrl, string ReposUrl, string Type, bool SiteAdmin, string? Name);

    /// <summary>
    /// GitHub's full user, for <c>GET /user</c> and <c>GET /users/{u}</c>, plus shithub's <c>username</c> (the login) and
    /// <c>email_verified</c> (shown, like the email, to the user themself only), which shithub's CLI reads.
    /// </summary>
    public sealed record V1User(string Login, long Id, string NodeId, string AvatarUrl, string GravatarId, string Url,
        string HtmlUrl, string ReposUrl, string Type, bool SiteAdmin, string? Name, string? Company, string Blog,
        string? Location, string? Email, string? Bio, int PublicRepos, int Followers, int Following,
        DateTime CreatedAt, DateTime UpdatedAt, string Username, bool? EmailVerified, string? TwitterUsername, bool? Hireable);

    public static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{kind}_{id}"));

    public static V1SimpleUser ToV1Simple(this User u, string baseUrl) =>
        new(u.Username, u.Id, NodeId("U", u.Id), AvatarUrl(u, baseUrl), "", $"{baseUrl}/api/v1/users/{u.Username}",
            $"{baseUrl}/{u.Username}", $"{baseUrl}/api/v1/users/{u.Username}/repos", "User", u.IsAdmin, u.Name);

    /// <param name="self">Whether the viewer is this user: only then is the email shown.</param>
    public static V1User ToV1(this User u, string baseUrl, bool self, int publicRepos) =>
        new(u.Username, u.Id, NodeId("U", u.Id), AvatarUrl(u, baseUrl), "", $"{baseUrl}/api/v1/users/{u.Username}",
            $"{baseUrl}/{u.Username}", $"{baseUrl}/api/v1/users/{u.Username}/repos", "User", u.IsAdmin, u.Name,
            NullIfEmpty(u.Company), u.Website, NullIfEmpty(u.Location), self ? u.Email : null, NullIfEmpty(u.Bio),
            publicRepos, 0, 0, u.CreatedAt, u.UpdatedAt, u.Username, self ? u.EmailVerified : null, NullIfEmpty(u.TwitterUsername), u.Hireable);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
