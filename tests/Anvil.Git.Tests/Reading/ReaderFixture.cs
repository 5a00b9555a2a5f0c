using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

/// <summary>Base for reader tests: one pool and reader per test class instance, cleaned up with the repositories.</summary>
public abstract class ReaderTestBase : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    protected ReaderTestBase()
    {
        Pool = new CatFilePool();
        Reader = new GitReader(Pool);
    }

    protected CatFilePool Pool { get; }
    protected GitReader Reader { get; }

    internal GitWorkTree NewRepo()
    {
        var repo = GitWorkTree.Create();
        _owned.Add(repo);
        return repo;
    }

    public void Dispose()
    {
        Pool.Dispose();
        foreach (var d in _owned)
        {
            d.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
