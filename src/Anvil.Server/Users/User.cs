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
    }
}
