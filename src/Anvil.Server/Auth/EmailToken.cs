namespace Anvil.Server.Auth;

public enum EmailTokenPurpose
{
    VerifyEmail = 1,
    ResetPassword = 2,
}

/// <summary>
/// A single-use secret mailed to a user (verify the address, reset the password). Like sessions,
/// only the SHA-256 of the token is stored; the row is deleted when the token is used.
/// </summary>
public sealed class EmailToken
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public EmailTokenPurpose Purpose { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>The normalized address the mail went to: a token proves control of that address only, not of a later one.</summary>
    public required string NormalizedEmail { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class EmailTokenConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<EmailToken>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<EmailToken> e)
    {
        e.HasIndex(t => t.TokenHash).IsUnique();
        e.HasIndex(t => new { t.UserId, t.Purpose });
        e.Property(t => t.NormalizedEmail).HasMaxLength(254);
        e.HasOne<Users.User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
    }
}
