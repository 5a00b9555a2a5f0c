using Anvil.Server.Infrastructure.Events;
using Anvil.Git;
using Anvil.Server.Users;

namespace Anvil.Server.Repositories;

public sealed record RepositoryCreated(Repository Repository, User Actor) : IDomainEvent;

/// <summary>A repository is gone (its rows too, by cascade); subscribers remove what lives outside the database.</summary>
public sealed record RepositoryDeleted(long RepositoryId, long OwnerId, string Name) : IDomainEvent;

public sealed record RepositoryForked(Repository Parent, Repository Fork, User Actor) : IDomainEvent;

public sealed record RepositoryStarred(Repository Repository, User Actor, bool Starred) : IDomainEvent;

/// <summary>A push that changed refs; the changes are exactly what git applied.</summary>
public sealed record RepositoryPushed(Repository Repository, User Pusher, IReadOnlyList<RefChange> Changes) : IDomainEvent;

/// <summary>A fork that went because its owner could no longer read <see cref="ParentFullName"/>, the repository it came from.</summary>
public sealed record DeletedFork(long Id, long OwnerId, string FullName, string ParentFullName);

/// <summary>Someone stopped being a collaborator; the forks that went with their access are listed.</summary>
public sealed record CollaboratorRemoved(Repository Repository, User Member, User Actor, IReadOnlyList<DeletedFork> DeletedForks) : IDomainEvent;

/// <summary>Forks of a private repository deleted because their owners lost access to it (as GitHub does).</summary>
public sealed record ForksDeleted(User Actor, IReadOnlyList<DeletedFork> Forks) : IDomainEvent;
