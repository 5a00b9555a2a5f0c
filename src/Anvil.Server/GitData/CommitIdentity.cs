using System.Globalization;
using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Users;

namespace Anvil.Server.GitData;

/// <summary>Who and when, as a client gives an author, committer or tagger; null fields are the caller's (and now).</summary>
public sealed record PersonInput(string? Name, string? Email, string? Date);

/// <summary>The git identity of an object a client writes through the API (a commit, a tag, a contents change).</summary>
public static class CommitIdentity
{
    /// <summary>The identity a client gave, completed with the caller's name, email and the current time where it left them out.</summary>
    public static GitSignature From(PersonInput? person, User user, string resource, string field)
    {
        var name = person?.Name ?? (user.Name.Length > 0 ? user.Name : user.Username);
        var email = person?.Email ?? user.Email;
        DateTimeOffset? when = null;
        if (person?.Date is { } date)
        {
            if (!DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw AnvilException.Invalid(resource, $"{field}.date", $"{field}.date must be an ISO 8601 timestamp");
            }
            when = parsed;
        }
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(email) || name.IndexOfAny(['<', '>', '\n', '\r', '\0']) >= 0
            || email.IndexOfAny(['<', '>', '\n', '\r', '\0']) >= 0)
        {
            throw AnvilException.Invalid(resource, field, $"{field} needs a name and an email without angle brackets or line breaks");
        }
        return new GitSignature(name, email, when);
    }
}
