using System.Diagnostics;
using System.Text;
using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

public class CatFilePoolTests : ReaderTestBase
{
    [Fact]
    public async Task Sequential_reads_reuse_one_process()
    {
        var repo = NewRepo();
        repo.Write("a.txt", "hello\n").Commit("one");
        var blob = repo.Git("rev-parse", "HEAD:a.txt");

        for (var i = 0; i < 20; i++)
        {
            var obj = await Reader.ReadObjectAsync(repo.GitDir, blob, 1024);
            Assert.Equal("hello\n", Encoding.UTF8.GetString(obj!.Data));
        }

        Assert.Equal(1, Pool.GetStatistics().ProcessesStarted);
    }

    [Fact]
    public async Task Concurrent_reads_are_all_correct_and_share_a_bounded_set_of_processes()
    {
        var repo = NewRepo();
        for (var i = 0; i < 20; i++)
        {
            repo.Write($"f{i}.txt", new string('x', i * 100) + i);
        }
        repo.Commit("files");
        var expected = Enumerable.Range(0, 20).ToDictionary(i => repo.Git("rev-parse", $"HEAD:f{i}.txt"), i => new string('x', i * 100) + i);
        var oids = expected.Keys.ToArray();

        var tasks = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var oid = oids[i % oids.Length];
            var obj = await Reader.ReadObjectAsync(repo.GitDir, oid, 1 << 20);
            return (oid, text: Encoding.UTF8.GetString(obj!.Data));
        }));
        foreach (var (oid, text) in await Task.WhenAll(tasks))
        {
            Assert.Equal(expected[oid], text);
        }

        var stats = Pool.GetStatistics();
        Assert.InRange(stats.ProcessesStarted, 1, new CatFilePoolOptions().MaxProcessesPerRepository);
        Assert.InRange(stats.IdleProcesses, 1, new CatFilePoolOptions().MaxIdlePerRepository);
    }

    [Fact]
    public async Task A_dead_idle_process_is_replaced()
    {
        var repo = NewRepo();
        var commit = repo.Write("a.txt", "a").Commit("one");
        Assert.NotNull(await Reader.GetObjectInfoAsync(repo.GitDir, commit));
        var pid = Assert.Single(Pool.IdleProcessIds(repo.GitDir));

        using (var victim = Process.GetProcessById(pid))
        {
            victim.Kill();
            victim.WaitForExit();
        }

        var info = await Reader.GetObjectInfoAsync(repo.GitDir, commit);
        Assert.Equal(GitObjectType.Commit, info!.Type);
        Assert.Equal(2, Pool.GetStatistics().ProcessesStarted);
        Assert.DoesNotContain(pid, Pool.IdleProcessIds(repo.GitDir));
    }

    [Fact]
    public async Task A_process_that_fails_mid_request_is_discarded_not_reused()
    {
        var repo = NewRepo();
        var commit = repo.Write("a.txt", "a").Commit("one");
        using var cts = new CancellationTokenSource();
        await Reader.GetObjectInfoAsync(repo.GitDir, commit);
        var pid = Assert.Single(Pool.IdleProcessIds(repo.GitDir));

        await Assert.ThrowsAsync<GitObjectTooLargeException>(() => Reader.ReadObjectAsync(repo.GitDir, commit, maxSize: 1));

        Assert.DoesNotContain(pid, Pool.IdleProcessIds(repo.GitDir));
        Assert.NotNull(await Reader.ReadObjectAsync(repo.GitDir, commit, 1 << 20));
    }

    [Fact]
    public async Task Idle_processes_are_evicted_least_recently_used_across_repositories()
    {
        using var pool = new CatFilePool(new CatFilePoolOptions { MaxIdleTotal = 2 });
        var reader = new GitReader(pool);
        var repos = Enumerable.Range(0, 3).Select(_ => NewRepo()).ToList();
        var commits = repos.Select(r => r.Write("a", "a").Commit("c")).ToList();

        for (var i = 0; i < 3; i++)
        {
            await reader.GetObjectInfoAsync(repos[i].GitDir, commits[i]);
        }

        Assert.Empty(pool.IdleProcessIds(repos[0].GitDir));
        Assert.Single(pool.IdleProcessIds(repos[1].GitDir));
        Assert.Single(pool.IdleProcessIds(repos[2].GitDir));
        Assert.Equal(2, pool.GetStatistics().IdleProcesses);
    }

    [Fact]
    public async Task Objects_of_one_repository_are_not_visible_through_another()
    {
        var a = NewRepo();
        var b = NewRepo();
        var onlyInA = a.Write("secret.txt", "secret").Commit("a");
        b.Write("x", "x").Commit("b");

        Assert.NotNull(await Reader.GetCommitAsync(a.GitDir, onlyInA));
        Assert.Null(await Reader.GetCommitAsync(b.GitDir, onlyInA));
    }

    [Fact]
    public async Task Cancellation_discards_the_process_and_throws()
    {
        var repo = NewRepo();
        var commit = repo.Write("a", "a").Commit("c");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Reader.GetObjectInfoAsync(repo.GitDir, commit, cts.Token));
        Assert.NotNull(await Reader.GetObjectInfoAsync(repo.GitDir, commit));
    }
}
