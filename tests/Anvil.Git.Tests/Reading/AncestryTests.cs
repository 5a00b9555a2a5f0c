namespace Anvil.Git.Tests.Reading;

/// <summary>
/// Merge bases, ranges and ahead/behind counts answer as git does, and stay right as branches move: the reader caches
/// them by the two commit ids, and a moved branch is a new id, so a new answer (the old pair's answer is still true).
/// </summary>
public sealed class AncestryTests : ReaderTestBase
{
    [Fact]
    public async Task Answers_follow_the_commit_ids_as_branches_move()
    {
        var repo = NewRepo();
        var root = repo.Write("a", "1").Commit("root");
        repo.Git("checkout", "-q", "-b", "topic");
        var t1 = repo.Write("b", "1").Commit("topic 1");
        repo.Git("checkout", "-q", "-");
        var m1 = repo.Write("a", "2").Commit("main 1");

        Assert.Equal(root, await Reader.MergeBaseAsync(repo.GitDir, m1, t1));
        Assert.Equal((1, 1), await Reader.CountAheadBehindAsync(repo.GitDir, m1, t1));
        Assert.Equal([t1], (await Reader.GetRangeAsync(repo.GitDir, root, t1, 10)).Select(c => c.Oid));
        // Asked again: the cached answers are git's.
        Assert.Equal(root, await Reader.MergeBaseAsync(repo.GitDir, m1, t1));
        Assert.Equal((1, 1), await Reader.CountAheadBehindAsync(repo.GitDir, m1, t1));

        // The topic branch moves on and merges main in: new ids, new answers; the old pair still answers as before.
        repo.Git("checkout", "-q", "topic");
        var t2 = repo.Write("b", "2").Commit("topic 2");
        repo.Git("merge", "-q", "--no-edit", m1);
        var t3 = repo.Head();
        Assert.Equal(m1, await Reader.MergeBaseAsync(repo.GitDir, m1, t3));
        Assert.Equal((3, 0), await Reader.CountAheadBehindAsync(repo.GitDir, m1, t3));
        Assert.Equal([t1, t2, t3], (await Reader.GetRangeAsync(repo.GitDir, m1, t3, 10)).Select(c => c.Oid));
        Assert.Equal([t1, t2], (await Reader.GetRangeAsync(repo.GitDir, m1, t3, 2)).Select(c => c.Oid));
        Assert.Equal(root, await Reader.MergeBaseAsync(repo.GitDir, m1, t1));
        Assert.Equal((1, 1), await Reader.CountAheadBehindAsync(repo.GitDir, m1, t1));
    }

    [Fact]
    public async Task Unrelated_histories_have_no_merge_base_also_when_asked_twice()
    {
        var repo = NewRepo();
        var main = repo.Write("a", "1").Commit("main");
        repo.Git("checkout", "-q", "--orphan", "other");
        var other = repo.Write("z", "1").Commit("other");

        Assert.Null(await Reader.MergeBaseAsync(repo.GitDir, main, other));
        Assert.Null(await Reader.MergeBaseAsync(repo.GitDir, main, other));
    }
}
