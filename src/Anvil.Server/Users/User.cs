namespace Anvil.Server.Users;

public sealed class User
{
    public long Id { get; set; }
    public required string Username { get; set; }
    /// <summary>Lower-cased <see cref="Username"/>; the unique index that makes names case-insensitively unique.</summary>
    public required string NormalizedUsername { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string Name { get; set; }
    public required string PasswordHash { get; set; }
    public string Bio { get; set; } = "";
    public string Location { get; set; } = "";
    public string Website { get; set; } = "";
    public string Company { get; set; } = "";
    public string Pronouns { get; set; } = "";
    /// <summary>GitHub's <c>twitter_username</c>, without the <c>@</c>; empty for none.</summary>
    public string TwitterUsername { get; set; } = "";
    /// <summary>GitHub's <c>hireable</c>: null until the user says.</summary>
    public bool? Hireable { get; set; }
    /// <summary>Blob key of the uploaded avatar, null for the generated default.</summary>
    public string? AvatarKey { get; set; }
    public string? AvatarContentType { get; set; }
    /// <summary>Bumped on every avatar change so avatar URLs bust caches.</summary>
    public int AvatarVersion { get; set; }
    /// <summary>User preferences as a JSON object (theme, notifications…).</summary>
    public string PreferencesJson { get; set; } = "{}";
    public bool IsAdmin { get; set; }
    /// <summary>Set by an administrator: the account cannot sign in, push or use its tokens until enabled again.</summary>
    public DateTime? DisabledAt { get; set; }
    public bool EmailVerified { get; set; }
    /// <summary>When the current <see cref="Email"/> was verified; null while unverified.</summary>
    public DateTime? EmailVerifiedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>What <see cref="PasswordHash"/> holds on a user read by <see cref="AsPrincipal"/>: no hash, matching no password.</summary>
    internal const string HashNotLoaded = "";

    /// <summary>
    /// The user as a credential's principal: every column but the password hash, which a signed-in request never needs
    /// (signing in and changing a password read the row themselves). Never attached and saved, so the blank is never written.
    /// </summary>
    internal static readonly System.Linq.Expressions.Expression<Func<User, User>> AsPrincipal = u => new User
    {
        Id = u.Id, Username = u.Username, NormalizedUsername = u.NormalizedUsername, Email = u.Email, NormalizedEmail = u.NormalizedEmail,
        Name = u.Name, PasswordHash = HashNotLoaded, Bio = u.Bio, Location = u.Location, Website = u.Website, Company = u.Company,
        Pronouns = u.Pronouns, TwitterUsername = u.TwitterUsername, Hireable = u.Hireable, AvatarKey = u.AvatarKey, AvatarContentType = u.AvatarContentType, AvatarVersion = u.AvatarVersion,
        PreferencesJson = u.PreferencesJson, IsAdmin = u.IsAdmin, DisabledAt = u.DisabledAt, EmailVerified = u.EmailVerified,
        EmailVerifiedAt = u.EmailVerifiedAt, CreatedAt = u.CreatedAt, UpdatedAt = u.UpdatedAt,
    };

    /// <summary>A detached copy (every property is a value): for a principal held across requests.</summary>
    internal User Copy() => (User)MemberwiseClone();
}

internal sealed class UserConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<User>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<User> e)
    {
        e.HasIndex(u => u.NormalizedUsername).IsUnique();
        e.HasIndex(u => u.NormalizedEmail).IsUnique();
        e.Property(u => u.Username).HasMaxLength(NameRules.MaxUsernameLength);
        e.Property(u => u.NormalizedUsername).HasMaxLength(NameRules.MaxUsernameLength);
        e.Property(u => u.Email).HasMaxLength(254);
        e.Property(u => u.NormalizedEmail).HasMaxLength(254);
        e.Property(u => u.TwitterUsername).HasMaxLength(15);
    }
}
