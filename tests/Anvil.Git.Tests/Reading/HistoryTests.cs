using System.Text;
using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

/// <summary>A 10,000-commit repository built once with git fast-import. Commit i (1-based) has message "commit i", touches f{i % 7}.txt, and every 100th also special/s.txt.</summary>
public sealed class LargeHistoryFixture : IDisposable
{
    public const int CommitCount = 10_000;
    internal GitWorkTree Repo { get; } = GitWorkTree.Create();
    public string[] OidByNumber { get; } = new string[CommitCount + 1];
    public string Head => OidByNumber[CommitCount];

    public LargeHistoryFixture()
    {
        var stream = new StringBuilder();
        for (var i = 1; i <= CommitCount; i++)
        {
            var message = $"commit {i}\n";
            var content = $"content {i}\n";
            stream.Append("commit refs/heads/main\n")
                .Append($"mark :{i}\n")
                .Append($"author Ada <ada@example.com> {1_600_000_000 + i * 60} +0000\n")
                .Append($"committer Ada <ada@example.com> {1_600_000_000 + i * 60} +0000\n")
                .Append($"data {Encoding.UTF8.GetByteCount(message)}\n{message}")
                .Append($"M 100644 inline f{i % 7}.txt\ndata {content.Length}\n{content}");
            if (i % 100 == 0)
            {
                stream.Append($"M 100644 inline special/s.txt\ndata {content.Length}\n{content}");
            }
            stream.Append('\n');
        }
        var marks = Path.Combine(Repo.WorkDir, "marks");
        Repo.Run(Encoding.UTF8.GetBytes(stream.ToString()), "fast-import", "--quiet", "--export-marks=" + marks);
        foreach (var line in File.ReadAllLines(marks))
        {
            var parts = line.Split(' ');
            OidByNumber[int.Parse(parts[0][1..])] = parts[1];
        }
    }

    public void Dispose() => Repo.Dispose();
}

public class HistoryTests(LargeHistoryFixture large) : ReaderTestBase, IClassFixture<LargeHistoryFixture>
{
    [Fact]
    public async Task Parses_commit_fields_with_odd_messages_and_utc_dates()
    {
        var repo = NewRepo();
        var first = repo.Write("a", "1").Commit("first");
        const string message = "Summary with \"quotes\", tabs\tand ünïcödé\n\nBody line\x01with control\n%x00 %H not a format\n";
        repo.Write("a", "2");
        repo.Git("add", "-A");
        repo.Run(Encoding.UTF8.GetBytes(message), "commit", "-q", "--cleanup=verbatim", "-F", "-");
        var second = repo.Head();

        var commit = await Reader.GetCommitAsync(repo.GitDir, second);

        Assert.NotNull(commit);
        Assert.Equal(second, commit.Oid);
        Assert.Equal(message, commit.Message);
        Assert.Equal("Summary with \"quotes\", tabs\tand ünïcödé", commit.Summary);
        Assert.Equal([first], commit.ParentOids);
        Assert.Equal(repo.Git("rev-parse", "HEAD^{tree}"), commit.TreeOid);
        Assert.Equal("Ada Author", commit.Author.Name);
        Assert.Equal("ada@example.com", commit.Author.Email);
        Assert.Equal("Cid Committer", commit.Committer.Name);
        Assert.Equal("cid@example.com", commit.Committer.Email);
        Assert.Equal(TimeSpan.Zero, commit.Author.When.Offset);
        Assert.Equal(TimeSpan.FromHours(2), commit.Author.UtcOffset);
        Assert.Equal(long.Parse(repo.Git("log", "-1", "--format=%at")), commit.Author.When.ToUnixTimeSeconds());
        Assert.Equal(long.Parse(repo.Git("log", "-1", "--format=%ct")), commit.Committer.When.ToUnixTimeSeconds());

        Assert.Null(await Reader.GetCommitAsync(repo.GitDir, repo.Git("rev-parse", "HEAD^{tree}")));
        Assert.Null(await Reader.GetCommitAsync(repo.GitDir, new string('1', 40)));
        await Assert.ThrowsAsync<GitRevisionException>(() => Reader.GetCommitAsync(repo.GitDir, "HEAD"));
    }

    [Fact]
    public async Task History_includes_both_sides_of_merges_in_git_order()
    {
        var repo = NewRepo();
        var c1 = repo.Write("a", "1").Commit("c1");
        repo.Git("checkout", "-q", "-b", "side");
        var s1 = repo.Write("s", "1").Commit("s1");
        var s2 = repo.Write("s", "2").Commit("s2");
        repo.Git("checkout", "-q", "main");
        var m1 = repo.Write("m", "1").Commit("m1");
        repo.Git("merge", "-q", "--no-ff", "-m", "merge side", "side");
        var merge = repo.Head();

        var page = await Reader.GetCommitsAsync(repo.GitDir, merge, 0, 10);

        Assert.False(page.HasMore);
        Assert.Equal(repo.Git("rev-list", merge).Split('\n'), page.Commits.Select(c => c.Oid));
        Assert.Equal(new[] { merge, m1, s2, s1, c1 }.Order(), page.Commits.Select(c => c.Oid).Order());
        Assert.Equal([m1, s2], page.Commits[0].ParentOids);
    }

    [Fact]
    public async Task First_pages_walked_without_rev_list_are_git_order_with_skewed_and_equal_dates()
    {
        // Three branches merged now and then, committer dates that tie and that run backwards (clock skew): the order
        // the reader walks itself must be git's own, page by page, and HasMore exact.
        var repo = NewRepo();
        var stream = new StringBuilder();
        var tips = new int[3];
        for (var i = 1; i <= 150; i++)
        {
            var branch = i <= 3 ? 0 : i % 3;
            var date = 1_600_000_000 + (i / 2) * 60 - (i % 7 == 0 ? 5_000 : 0);
            stream.Append("commit refs/heads/main\n").Append($"mark :{i}\n")
                .Append($"author Ada <ada@example.com> {date} +0000\n")
                .Append($"committer Ada <ada@example.com> {date} +0000\n")
                .Append($"data 11\ncommit {i,3}\n");
            var from = tips[branch] == 0 ? i - 1 : tips[branch];
            if (from > 0)
            {
                stream.Append($"from :{from}\n");
            }
            if (branch == 0 && i % 10 == 0)
            {
                stream.Append($"merge :{tips[1]}\nmerge :{tips[2]}\n");
            }
            stream.Append($"M 100644 inline f{branch}.txt\ndata 4\n{i,3}\n\n");
            tips[branch] = i;
            if (i == 3)
            {
                tips[1] = tips[2] = 3;
            }
        }
        var marks = Path.Combine(repo.WorkDir, "walk-marks");
        repo.Run(Encoding.UTF8.GetBytes(stream.ToString()), "fast-import", "--quiet", "--export-marks=" + marks);
        var last = File.ReadAllLines(marks).Select(l => l.Split(' ')).Single(p => p[0] == ":150")[1];
        var total = int.Parse(repo.Git("rev-list", "--count", last));

        foreach (var (skip, limit) in new[] { (0, 30), (0, 1), (30, 30), (0, total - 1), (0, total), (total - 5, 10), (total, 10), (100, 100) })
        {
            var page = await Reader.GetCommitsAsync(repo.GitDir, last, skip, limit);

            var expected = repo.Git("rev-list", $"--skip={skip}", $"--max-count={limit}", last).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected, page.Commits.Select(c => c.Oid));
            Assert.Equal(skip + limit < total, page.HasMore);
        }
    }

    [Fact]
    public async Task Pages_deep_into_a_large_history_with_exact_has_more()
    {
        var gitDir = large.Repo.GitDir;

        var firstPage = await Reader.GetCommitsAsync(gitDir, large.Head, 0, 50);
        Assert.True(firstPage.HasMore);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => large.OidByNumber[10_000 - k]), firstPage.Commits.Select(c => c.Oid));
        Assert.Equal("commit 10000", firstPage.Commits[0].Summary);

        var deep = await Reader.GetCommitsAsync(gitDir, large.Head, 9_000, 50);
        Assert.True(deep.HasMore);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => $"commit {1000 - k}"), deep.Commits.Select(c => c.Summary));

        var exactEnd = await Reader.GetCommitsAsync(gitDir, large.Head, 9_950, 50);
        Assert.False(exactEnd.HasMore);
        Assert.Equal(50, exactEnd.Commits.Count);
        Assert.Equal(large.OidByNumber[1], exactEnd.Commits[^1].Oid);
        Assert.Empty(exactEnd.Commits[^1].ParentOids);

        var oneBeforeEnd = await Reader.GetCommitsAsync(gitDir, large.Head, 9_949, 50);
        Assert.True(oneBeforeEnd.HasMore);

        var partial = await Reader.GetCommitsAsync(gitDir, large.Head, 9_990, 50);
        Assert.False(partial.HasMore);
        Assert.Equal(10, partial.Commits.Count);

        var beyond = await Reader.GetCommitsAsync(gitDir, large.Head, 20_000, 50);
        Assert.Empty(beyond.Commits);
        Assert.False(beyond.HasMore);
    }

    [Fact]
    public async Task Filters_history_by_path()
    {
        var gitDir = large.Repo.GitDir;

        var special = await Reader.GetCommitsAsync(gitDir, large.Head, 0, 100, "special");
        Assert.False(special.HasMore);
        Assert.Equal(Enumerable.Range(0, 100).Select(k => large.OidByNumber[10_000 - k * 100]), special.Commits.Select(c => c.Oid));

        var file = await Reader.GetCommitsAsync(gitDir, large.Head, 10, 5, "special/s.txt");
        Assert.True(file.HasMore);
        Assert.Equal(Enumerable.Range(10, 5).Select(k => $"commit {10_000 - k * 100}"), file.Commits.Select(c => c.Summary));

        var f3 = await Reader.GetCommitsAsync(gitDir, large.Head, 0, 3, "f3.txt");
        Assert.Equal(["commit 9999", "commit 9992", "commit 9985"], f3.Commits.Select(c => c.Summary));

        var none = await Reader.GetCommitsAsync(gitDir, large.Head, 0, 3, "no/such/path");
        Assert.Empty(none.Commits);

        await Assert.ThrowsAsync<GitPathException>(() => Reader.GetCommitsAsync(gitDir, large.Head, 0, 3, "../x"));
    }

    [Fact]
    public async Task Pathspec_magic_is_taken_literally()
    {
        var repo = NewRepo();
        repo.Write("a.txt", "1").Commit("a");
        var star = repo.Write("*", "1").Commit("star");

        var page = await Reader.GetCommitsAsync(repo.GitDir, star, 0, 10, "*");
        Assert.Equal([star], page.Commits.Select(c => c.Oid));
        var magic = await Reader.GetCommitsAsync(repo.GitDir, star, 0, 10, ":(exclude)*");
        Assert.Empty(magic.Commits);
    }

    [Fact]
    public async Task Last_commit_per_entry_matches_git_log_for_each_entry()
    {
        var repo = NewRepo();
        repo.Write("a.txt", "1").Write("dir/x.txt", "1").Write("dir/y.txt", "1").Write("keep.txt", "1").Write("dir/deep/z.txt", "1").Commit("c1");
        repo.Write("a.txt", "2").Commit("c2");
        repo.Git("checkout", "-q", "-b", "side");
        repo.Write("dir/x.txt", "side").Commit("s1");
        repo.Git("checkout", "-q", "main");
        repo.Write("b.txt", "1").Commit("m1");
        repo.Git("merge", "-q", "--no-ff", "-m", "merge side", "side");
        repo.Write("dir/y.txt", "2").Commit("c3");
        repo.Git("checkout", "-q", "-b", "side2");
        repo.Write("c.txt", "side2").Commit("s2");
        repo.Git("checkout", "-q", "main");
        // An "evil" merge: keep.txt changes in the merge itself, so the merge is its last commit.
        repo.Git("merge", "-q", "--no-ff", "--no-commit", "side2");
        repo.Write("keep.txt", "evil");
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "-m", "evil merge");
        repo.Write("dir/deep/z.txt", "2").Commit("c4");
        var head = repo.Head();

        foreach (var dir in new[] { "", "dir" })
        {
            var entries = await Reader.GetTreeAsync(repo.GitDir, head, dir);
            var last = await Reader.GetLastCommitsAsync(repo.GitDir, head, dir, entries!);
            Assert.Equal(entries!.Count, last.Count);
            foreach (var entry in entries)
            {
                var expected = repo.Git("log", "-1", "--format=%H", head, "--", entry.Path);
                Assert.True(expected == last[entry.Name].Oid, $"{entry.Path}: expected {repo.Git("log", "-1", "--format=%s", expected)}, got {last[entry.Name].Summary}");
            }
        }

        var root = await Reader.GetTreeAsync(repo.GitDir, head, "");
        var cached = await Reader.GetLastCommitsAsync(repo.GitDir, head, "", root!);
        Assert.Equal("evil merge", cached["keep.txt"].Summary);
        Assert.Equal("c4", cached["dir"].Summary);
    }

    [Fact]
    public async Task Last_commits_stop_early_in_a_large_history()
    {
        var gitDir = large.Repo.GitDir;
        var entries = await Reader.GetTreeAsync(gitDir, large.Head, "");

        var last = await Reader.GetLastCommitsAsync(gitDir, large.Head, "", entries!);

        Assert.Equal("commit 10000", last["special"].Summary);
        for (var r = 0; r < 7; r++)
        {
            var newest = Enumerable.Range(9_994, 7).Single(i => i % 7 == r);
            Assert.Equal($"commit {newest}", last[$"f{r}.txt"].Summary);
        }
    }
}
