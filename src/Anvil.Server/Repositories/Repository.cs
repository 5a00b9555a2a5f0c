using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Repositories;

public sealed class Repository
{
    public long Id { get; set; }
    public long OwnerId { get; set; }
    public User Owner { get; set; } = null!;
    public required string Name { get; set; }
    /// <summary>Lower-cased <see cref="Name"/>: names are unique per owner regardless of case.</summary>
    public required string NormalizedName { get; set; }
    public string Description { get; set; } = "";
    public bool IsPrivate { get; set; }
    public required string DefaultBranch { get; set; }
    public long? ForkedFromId { get; set; }
    public Repository? ForkedFrom { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? PushedAt { get; set; }
    /// <summary>The last number given to an issue or pull request here; bumped atomically by IssueService.</summary>
    public int LastIssueNumber { get; set; }
    /// <summary>Archived by an admin: read-only — pushes and every write refused, reads kept — until unarchived.</summary>
    public bool IsArchived { get; set; }
    /// <summary>Kept with the stars (<see cref="Infrastructure.Data.Counts"/>): every view shows it.</summary>
    public int StarCount { get; set; }
    /// <summary>Kept with the forks naming this repository as their parent (<see cref="Infrastructure.Data.Counts"/>).</summary>
    public int ForkCount { get; set; }

    public string Visibility => IsPrivate ? "private" : "public";

    /// <summary>A detached copy with its owner and parent (every property is a value): for a row held across requests.</summary>
    internal Repository Copy()
    {
        var copy = (Repository)MemberwiseClone();
        copy.Owner = Owner?.Copy()!;
        copy.ForkedFrom = ForkedFrom?.Copy();
        return copy;
    }
}

public enum RepositoryPermission
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 3,
}

/// <summary>A user given access to someone else's repository.</summary>
public sealed class Collaborator
{
    public long RepositoryId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public RepositoryPermission Permission { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Star
{
    public long RepositoryId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
}

/// <summary>One of a repository's topics (GitHub's rules: <see cref="RepositoryTopics"/>).</summary>
public sealed class RepositoryTopic
{
    public long RepositoryId { get; set; }
    public required string Name { get; set; }
    /// <summary>The order they were given in, which GitHub keeps.</summary>
    public int Position { get; set; }
}

internal sealed class RepositoryConfiguration : IEntityTypeConfiguration<Repository>, IEntityTypeConfiguration<Collaborator>, IEntityTypeConfiguration<Star>,
    IEntityTypeConfiguration<RepositoryTopic>
{
    public void Configure(EntityTypeBuilder<RepositoryTopic> e)
    {
        e.HasKey(t => new { t.RepositoryId, t.Name });
        // topic: in repository search.
        e.HasIndex(t => new { t.Name, t.RepositoryId });
        e.Property(t => t.Name).HasMaxLength(RepositoryTopics.MaxLength);
        e.HasOne<Repository>().WithMany().HasForeignKey(t => t.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Repository> e)
    {
        e.HasIndex(r => new { r.OwnerId, r.NormalizedName }).IsUnique();
        e.HasIndex(r => r.ForkedFromId);
        e.Property(r => r.Name).HasMaxLength(100);
        e.Property(r => r.NormalizedName).HasMaxLength(100);
        e.Property(r => r.DefaultBranch).HasMaxLength(255);
        e.Property(r => r.Description).HasMaxLength(1000);
        e.Ignore(r => r.Visibility);
        e.HasOne(r => r.Owner).WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Cascade);
        // A fork outlives its parent; it just stops naming it.
        e.HasOne(r => r.ForkedFrom).WithMany().HasForeignKey(r => r.ForkedFromId).OnDelete(DeleteBehavior.SetNull);
    }

    public void Configure(EntityTypeBuilder<Collaborator> e)
    {
        e.HasKey(c => new { c.RepositoryId, c.UserId });
        e.HasIndex(c => c.UserId);
        e.HasOne<Repository>().WithMany().HasForeignKey(c => c.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Star> e)
    {
        e.HasKey(s => new { s.RepositoryId, s.UserId });
        e.HasIndex(s => new { s.UserId, s.CreatedAt });
        e.HasOne<Repository>().WithMany().HasForeignKey(s => s.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
