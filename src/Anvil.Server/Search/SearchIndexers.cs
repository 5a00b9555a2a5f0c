using System.Linq.Expressions;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Search;

/// <summary>
/// An indexer of one entity type: what its document says (<see cref="Fill(TEntity, SearchDocument)"/>) and which
/// document is its own (<see cref="DocumentOf"/>), looked for among the tracked documents before the stored ones.
/// </summary>
public abstract class SearchIndexer<TEntity> : SearchIndexInterceptor.IIndexer where TEntity : class
{
    public bool Handles(object entity) => entity is TEntity;

    public void Fill(object entity, SearchDocument doc) => Fill((TEntity)entity, doc);

    public SearchDocument? Find(DbContext db, object entity)
    {
        var documents = db.Set<SearchDocument>();
        var isOwn = DocumentOf((TEntity)entity);
        return documents.Local.FirstOrDefault(isOwn.Compile(preferInterpretation: true)) ?? documents.FirstOrDefault(isOwn);
    }

    protected abstract void Fill(TEntity entity, SearchDocument doc);

    /// <summary>The saved entity's document.</summary>
    protected abstract Expression<Func<SearchDocument, bool>> DocumentOf(TEntity entity);
}

public sealed class RepositorySearchIndexer : SearchIndexer<Repository>
{
    protected override void Fill(Repository repo, SearchDocument doc)
    {
        doc.Kind = SearchKinds.Repository;
        doc.Repository = repo;
        doc.Title = repo.Name;
        doc.Body = repo.Description;
        doc.UpdatedAt = repo.UpdatedAt;
    }

    protected override Expression<Func<SearchDocument, bool>> DocumentOf(Repository repo)
    {
        var id = repo.Id;
        return d => d.Kind == SearchKinds.Repository && d.RepositoryId == id;
    }
}

public sealed class UserSearchIndexer : SearchIndexer<User>
{
    protected override void Fill(User user, SearchDocument doc)
    {
        doc.Kind = SearchKinds.User;
        doc.User = user;
        doc.Title = user.Username + " " + user.Name;
        doc.Body = user.Bio;
        doc.UpdatedAt = user.UpdatedAt;
    }

    protected override Expression<Func<SearchDocument, bool>> DocumentOf(User user)
    {
        var id = user.Id;
        return d => d.Kind == SearchKinds.User && d.UserId == id;
    }
}

/// <summary>
/// Issues and pull requests (<see cref="Issue.IsPullRequest"/>): title and body, state, repository, and the author
/// in <see cref="SearchDocument.UserId"/> (for <c>author:</c>, and so a deleted user's issues leave the index by cascade).
/// </summary>
public sealed class IssueSearchIndexer : SearchIndexer<Issue>
{
    protected override void Fill(Issue issue, SearchDocument doc)
    {
        doc.Kind = issue.IsPullRequest ? SearchKinds.PullRequest : SearchKinds.Issue;
        doc.RepositoryId = issue.RepositoryId;
        doc.UserId = issue.AuthorId;
        // Zero until inserted: the interceptor fills the document again once the row has its id.
        doc.IssueId = issue.Id == 0 ? null : issue.Id;
        doc.Title = issue.Title;
        doc.Body = issue.Body;
        doc.State = IssueRules.Name(issue.State);
        doc.UpdatedAt = issue.UpdatedAt;
    }

    protected override Expression<Func<SearchDocument, bool>> DocumentOf(Issue issue)
    {
        var id = issue.Id;
        return d => d.IssueId == id && d.Kind != SearchKinds.IssueComment;
    }
}

/// <summary>
/// Comments on issues and pull requests: a search finds the issue by what was said in its comments, as GitHub does.
/// A comment's document names its issue and repository and goes with the comment (the database cascades, so a deleted
/// issue or repository takes its comments' documents along).
/// </summary>
public sealed class IssueCommentSearchIndexer : SearchIndexer<IssueComment>
{
    protected override void Fill(IssueComment comment, SearchDocument doc)
    {
        doc.Kind = SearchKinds.IssueComment;
        // Comments are added with their issue tracked, so EF has fixed up the navigation by now.
        doc.RepositoryId = comment.Issue.RepositoryId;
        doc.IssueId = comment.IssueId;
        doc.Comment = comment;
        doc.Title = "";
        doc.Body = comment.Body;
        doc.UpdatedAt = comment.UpdatedAt;
    }

    protected override Expression<Func<SearchDocument, bool>> DocumentOf(IssueComment comment)
    {
        var id = comment.Id;
        return d => d.CommentId == id;
    }
}
