using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

/// <summary>
/// Branch and tag listings are kept while the files holding the refs are unchanged; every way git changes a ref
/// (update, create, pack, delete) shows in the next listing. The files' times are set back here as the passing of time
/// would: a listing is kept only once its files are older than <see cref="RefStamp.Settled"/>.
/// </summary>
public sealed class RefListingCacheTests : ReaderTestBase
{
    private static int _minutesAgo = 600;

    [Fact]
    public async Task Every_kind_of_ref_change_shows_in_the_next_listing()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        var second = repo.Write("a", "2").Commit("two");
        repo.Git("tag", "v1", first);
        Settle(repo);
        Assert.Equal([new GitBranch("main", second)], await Reader.ListBranchesAsync(repo.GitDir));
        // Kept, and the same again.
        Assert.Equal([new GitBranch("main", second)], (await Reader.ListBranchesAndTagsAsync(repo.GitDir)).Branches);
        Assert.Equal([new GitBranch("main", second)], await Reader.ListBranchesAsync(repo.GitDir));

        // A branch moved (its loose file replaced by one of the same size).
        repo.Git("update-ref", "refs/heads/main", first);
        Assert.Equal([new GitBranch("main", first)], await Reader.ListBranchesAsync(repo.GitDir));
        Settle(repo);
        Assert.Equal([new GitBranch("main", first)], await Reader.ListBranchesAsync(repo.GitDir));

        // A branch in a folder of its own.
        repo.Git("update-ref", "refs/heads/topic/x", second);
        Settle(repo);
        Assert.Equal([new GitBranch("main", first), new GitBranch("topic/x", second)], await Reader.ListBranchesAsync(repo.GitDir));
        repo.Git("update-ref", "refs/heads/topic/x", first);
        Settle(repo);
        Assert.Equal([new GitBranch("main", first), new GitBranch("topic/x", first)], await Reader.ListBranchesAsync(repo.GitDir));

        // Packed, then moved while packed, then deleted.
        repo.Git("pack-refs", "--all");
        Settle(repo);
        Assert.Equal([new GitBranch("main", first), new GitBranch("topic/x", first)], await Reader.ListBranchesAsync(repo.GitDir));
        Assert.Equal(["v1"], (await Reader.ListTagsAsync(repo.GitDir)).Select(t => t.Name));
        repo.Git("update-ref", "refs/heads/main", second);
        Settle(repo);
        Assert.Equal([new GitBranch("main", second), new GitBranch("topic/x", first)], await Reader.ListBranchesAsync(repo.GitDir));
        repo.Git("update-ref", "-d", "refs/heads/topic/x");
        repo.Git("tag", "-d", "v1");
        Settle(repo);
        Assert.Equal([new GitBranch("main", second)], await Reader.ListBranchesAsync(repo.GitDir));
        Assert.Empty(await Reader.ListTagsAsync(repo.GitDir));
    }

    [Fact]
    public async Task Names_resolve_from_the_kept_listing_as_git_resolves_them()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("one");
        var second = repo.Write("a", "2").Commit("two");
        repo.Git("tag", "-a", "-m", "annotated", "v1", first);
        repo.Git("tag", "light", second);
        repo.Git("tag", "-a", "-m", "of a tag", "v1-again", "v1");
        repo.Git("tag", "at-tree", first + "^{tree}");
        repo.Git("update-ref", "refs/heads/topic/x", first);
        Settle(repo);
        await Reader.ListBranchesAndTagsAsync(repo.GitDir);

        foreach (var name in new[] { "main", "topic/x", "v1", "light", "v1-again", "refs/heads/main", "refs/tags/v1" })
        {
            Assert.Equal(repo.Git("rev-parse", name + "^{commit}"), await Reader.ResolveAsync(repo.GitDir, name));
        }
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "at-tree"));
        Assert.Null(await Reader.ResolveAsync(repo.GitDir, "missing"));

        // A branch moved: answered from git until its files settle, then from the new listing.
        repo.Git("update-ref", "refs/heads/main", first);
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "main"));
        Settle(repo);
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "main"));
        // A branch with a tag's name wins over the tag, as in git.
        repo.Git("update-ref", "refs/heads/light", first);
        Settle(repo);
        Assert.Equal(first, await Reader.ResolveAsync(repo.GitDir, "light"));
    }

    /// <summary>Sets the times of the ref files back, each call less far than the one before (as time passes).</summary>
    private static void Settle(GitWorkTree repo)
    {
        var at = DateTime.UtcNow - TimeSpan.FromMinutes(Interlocked.Decrement(ref _minutesAgo));
        var packed = Path.Combine(repo.GitDir, "packed-refs");
        if (File.Exists(packed))
        {
            File.SetLastWriteTimeUtc(packed, at);
        }
        foreach (var root in new[] { "refs/heads", "refs/tags" })
        {
            var top = Path.Combine(repo.GitDir, root);
            if (Directory.Exists(top))
            {
                foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).Prepend(top))
                {
                    Directory.SetLastWriteTimeUtc(dir, at);
                }
            }
        }
    }
}
