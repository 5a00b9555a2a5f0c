namespace Anvil.Server.Auth;

/// <summary>A signed-in browser or client. Only the SHA-256 of the token is stored.</summary>
public sealed class Session
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public string? UserAgent { get; set; }
}

internal sealed class SessionConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<Session>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Session> e)
    {
        e.HasIndex(s => s.TokenHash).IsUnique();
        e.HasIndex(s => s.UserId);
        e.HasOne<Users.User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
    }
}
