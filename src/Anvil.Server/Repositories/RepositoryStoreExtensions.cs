namespace Anvil.Server.Repositories;

public static class RepositoryStoreExtensions
{
    /// <summary>The git repository behind <paramref name="repo"/>, found by its ids (names can change, ids cannot).</summary>
    public static GitRepository Open(this RepositoryStore store, Repository repo) => store.Open(repo.OwnerId, repo.Id);
}
