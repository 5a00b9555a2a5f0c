namespace Anvil.Git.Storage;

/// <summary>
/// Who made a commit, and when. <paramref name="When"/> null means "now" (git stamps the current time);
/// <see cref="RawDate"/> carries a date exactly as git stored it ("1700000000 +0100") so replayed commits
/// keep their original author date and time zone.
/// </summary>
public sealed record GitSignature(string Name, string Email, DateTimeOffset? When = null)
{
    internal string? RawDate { get; init; }

    /// <summary>The GIT_AUTHOR_* or GIT_COMMITTER_* variables for this identity.</summary>
    internal void AddTo(IDictionary<string, string> env, string role)
    {
        Validate(Name, nameof(Name));
        Validate(Email, nameof(Email));
        env[$"GIT_{role}_NAME"] = Name;
        env[$"GIT_{role}_EMAIL"] = Email;
        var date = RawDate ?? (When is { } w ? $"@{w.ToUnixTimeSeconds()} {FormatOffset(w.Offset)}" : null);
        if (date is not null)
        {
            env[$"GIT_{role}_DATE"] = date;
        }
    }

    /// <summary>"Name &lt;email&gt; 1700000000 +0100", as a tag's tagger line records it; no date given means <paramref name="now"/>.</summary>
    internal string HeaderLine(DateTimeOffset now)
    {
        Validate(Name, nameof(Name));
        Validate(Email, nameof(Email));
        var w = When ?? now;
        return $"{Name} <{Email}> {w.ToUnixTimeSeconds()} {FormatOffset(w.Offset)}";
    }

    internal static Dictionary<string, string> Environment(GitSignature author, GitSignature committer)
    {
        var env = new Dictionary<string, string>();
        author.AddTo(env, "AUTHOR");
        committer.AddTo(env, "COMMITTER");
        return env;
    }

    private static string FormatOffset(TimeSpan offset)
    {
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return $"{sign}{abs.Hours:00}{abs.Minutes:00}";
    }

    // Angle brackets and line breaks would corrupt the "Name <email> date" header line of the commit object.
    private static void Validate(string value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(['<', '>', '\n', '\r', '\0']) >= 0)
        {
            throw new ArgumentException($"invalid {what} for a git identity: '{value}'", what);
        }
    }
}
