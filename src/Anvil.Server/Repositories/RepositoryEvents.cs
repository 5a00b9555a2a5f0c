using Anvil.Git;
using Anvil.Server.Users;

namespace Anvil.Server.Repositories;

public sealed record RepositoryCreated(Repository Repository, User Actor);

/// <summary>A repository is gone (its rows too, by cascade); subscribers remove what lives outside the database.</summary>
public sealed record RepositoryDeleted(long RepositoryId, long OwnerId, string Name);

public sealed record RepositoryForked(Repository Parent, Repository Fork, User Actor);

public sealed record RepositoryStarred(Repository Repository, User Actor, bool Starred);

/// <summary>A push that changed refs; the changes are exactly what git applied.</summary>
public sealed record RepositoryPushed(Repository Repository, User Pusher, IReadOnlyList<RefChange> Changes);
