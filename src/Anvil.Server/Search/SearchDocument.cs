using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Search;

public static class SearchKinds
{
    public const string Repository = "repository";
    public const string User = "user";
    public const string Issue = "issue";
    public const string PullRequest = "pull";
    /// <summary>A comment on an issue or pull request: found through its issue, never listed itself.</summary>
    public const string IssueComment = "comment";
}

/// <summary>
/// One searchable thing. The full-text index over <see cref="Title"/> and <see cref="Body"/> is
/// provider-specific and lives outside the EF model: an FTS5 table kept by triggers on SQLite, a
/// generated tsvector column with a GIN index on PostgreSQL (see the Search migration).
/// Rows are written by <see cref="SearchIndexInterceptor"/> in the same SaveChanges as the entity.
/// </summary>
public sealed class SearchDocument
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    /// <summary>For repository documents: the repository; for issues and pulls: the repository they belong to.</summary>
    public long? RepositoryId { get; set; }
    public Repository? Repository { get; set; }
    public long? UserId { get; set; }
    public User? User { get; set; }
    /// <summary>For issues and pulls: the issue row (set by the issues feature); for comments: the issue commented on.</summary>
    public long? IssueId { get; set; }
    /// <summary>For comments: the comment row; the document goes with it (with its issue, its author, its repository).</summary>
    public long? CommentId { get; set; }
    public Issues.IssueComment? Comment { get; set; }
    public required string Title { get; set; }
    public string Body { get; set; } = "";
    /// <summary>open / closed for issues and pulls; null otherwise.</summary>
    public string? State { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>A detached copy (a page's rows carry no navigation): for a row held across requests.</summary>
    internal SearchDocument Copy() => (SearchDocument)MemberwiseClone();
}

internal sealed class SearchDocumentConfiguration : IEntityTypeConfiguration<SearchDocument>
{
    /// <summary>
    /// The recency index's condition, in the SQL both databases read. A query uses that index only when it says the
    /// same (SQLite matches the term as written), which <see cref="SearchService"/>'s candidates do.
    /// </summary>
    private const string NotACommentSql = "\"Kind\" <> '" + SearchKinds.IssueComment + "'";

    public void Configure(EntityTypeBuilder<SearchDocument> e)
    {
        e.HasIndex(d => new { d.Kind, d.RepositoryId });
        // A search within one repository, newest first: what it answers when more match than it ranks. Without the
        // comments, which are never listed by recency (they lead to their issue), and are newer than the issues they
        // are on: a walk to a repository's newest issues would first step over every comment since.
        e.HasIndex(d => new { d.RepositoryId, d.UpdatedAt, d.Id }).IsDescending(false, true, true)
            .HasFilter(NotACommentSql);
        e.HasIndex(d => d.UserId);
        e.HasIndex(d => d.IssueId);
        e.HasIndex(d => d.CommentId);
        e.Property(d => d.Kind).HasMaxLength(16);
        e.Property(d => d.State).HasMaxLength(16);
        e.HasOne(d => d.Repository).WithMany().HasForeignKey(d => d.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(d => d.Comment).WithMany().HasForeignKey(d => d.CommentId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(d => d.User).WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
