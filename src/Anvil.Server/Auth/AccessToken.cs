namespace Anvil.Server.Auth;

/// <summary>A personal access token (<c>shp_…</c>). Only the SHA-256 of the token is stored.</summary>
public sealed class AccessToken
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>Space-separated canonical scopes as granted (aliases already resolved).</summary>
    public required string Scopes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    /// <summary>A detached copy: for a principal held across requests.</summary>
    internal AccessToken Copy() => (AccessToken)MemberwiseClone();
}

internal sealed class AccessTokenConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<AccessToken>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<AccessToken> e)
    {
        e.HasIndex(t => t.TokenHash).IsUnique();
        e.HasIndex(t => t.UserId);
        e.Property(t => t.Name).HasMaxLength(100);
        e.HasOne<Users.User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
    }
}
