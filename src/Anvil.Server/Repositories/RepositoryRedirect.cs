using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Repositories;

/// <summary>
/// A name a repository was renamed away from: <c>owner/name</c> still leads to the repository (a 301 on the API surfaces and
/// git) until another repository takes the name, which deletes the row; deleting the repository deletes its rows.
/// </summary>
public sealed class RepositoryRedirect
{
    public long OwnerId { get; set; }
    /// <summary>The old name, lower-cased as <see cref="Repository.NormalizedName"/>.</summary>
    public required string NormalizedName { get; set; }
    public long RepositoryId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class RepositoryRedirectConfiguration : IEntityTypeConfiguration<RepositoryRedirect>
{
    public void Configure(EntityTypeBuilder<RepositoryRedirect> e)
    {
        e.ToTable("RepositoryRedirects");
        e.HasKey(r => new { r.OwnerId, r.NormalizedName });
        e.HasIndex(r => r.RepositoryId);
        e.Property(r => r.NormalizedName).HasMaxLength(100);
        e.HasOne<User>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Repository>().WithMany().HasForeignKey(r => r.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Thrown where a repository is looked up by a name it no longer has, for a caller who may read it: the route answers a
/// redirect to the same path under <see cref="Repository"/>'s current name (see <see cref="RepositoryRedirectMiddleware"/>).
/// </summary>
public sealed class RepositoryMovedException(string oldOwner, string oldName, Repository repository)
    : Exception($"repository {oldOwner}/{oldName} moved to {repository.Owner.Username}/{repository.Name}")
{
    public string OldOwner { get; } = oldOwner;
    public string OldName { get; } = oldName;
    public Repository Repository { get; } = repository;
}
