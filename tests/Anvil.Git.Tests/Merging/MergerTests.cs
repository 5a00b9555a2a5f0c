using Anvil.Git.Tests.Storage;

namespace Anvil.Git.Tests.Merging;

/// <summary>
/// Merges run against a bare repository; a scratch work tree is only used to build the history and to look at
/// results.
/// </summary>
public sealed class MergerTests : IAsyncLifetime
{
    private static readonly GitSignature Merger = new("Mona Merger", "mona@example.com");

    private readonly ScratchDir _tmp = new();
    private string _work = null!;
    private string _bare = null!;
    private string _root = null!;

    public async Task InitializeAsync()
    {
        _work = await TestGit.InitWorkTree(_tmp.Sub("work"));
        _root = await TestGit.CommitFile(_work, "shared.txt", "line 1\nline 2\nline 3\n", "root");
        _bare = _tmp.Sub("repo.git");
        await TestGit.Run(null, "init", "-q", "--bare", _bare);
        await TestGit.Run(_work, "remote", "add", "origin", _bare);
    }

    public Task DisposeAsync()
    {
        _tmp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Commits on a branch starting from <paramref name="from"/>; returns the tip.</summary>
    private async Task<string> Branch(string name, string from, params (string Path, string Content, string Message, GitSignature? Author)[] commits)
    {
        await TestGit.Run(_work, "checkout", "-q", "-B", name, from);
        var tip = from;
        foreach (var c in commits)
        {
            tip = await TestGit.CommitFile(_work, c.Path, c.Content, c.Message, c.Author);
        }
        await TestGit.Run(_work, "push", "-q", "-f", "origin", name);
        return tip;
    }

    private Task<string> Show(string rev) => TestGit.Run(null, "--git-dir=" + _bare, "show", rev);

    private Task<string> Git(params string[] args) => TestGit.Run(null, ["--git-dir=" + _bare, .. args]);

    [Fact]
    public async Task Clean_merge_keeps_both_sides_changes()
    {
        var baseTip = await Branch("main", _root, ("base.txt", "from base\n", "base change", null));
        var headTip = await Branch("feature", _root, ("head.txt", "from head\n", "head change", null));

        var analysis = await Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, baseTip, "refs/heads/feature");
        Assert.Equal(MergeStatus.Clean, analysis.Status);
        Assert.True(analysis.CanMerge);
        Assert.Equal(_root, analysis.MergeBaseOid);
        Assert.Equal(headTip, analysis.HeadOid);
        Assert.Empty(analysis.ConflictingPaths);

        var merge = await Anvil.Git.Merging.Merger.CreateMergeCommitAsync(_bare, baseTip, headTip, "Merge feature", Merger, Merger);
        Assert.Equal($"{baseTip} {headTip}", await Git("log", "-1", "--format=%P", merge));
        Assert.Equal(analysis.TreeOid, await Git("rev-parse", merge + "^{tree}"));
        Assert.Equal("from base", await Show(merge + ":base.txt"));
        Assert.Equal("from head", await Show(merge + ":head.txt"));
        Assert.Equal("Mona Merger <mona@example.com> Merge feature", await Git("log", "-1", "--format=%an <%ae> %s", merge));
        // Nothing moved: the server publishes the result itself.
        Assert.Equal(baseTip, await Git("rev-parse", "refs/heads/main"));
        await Git("fsck", "--full", "--strict");
    }

    [Fact]
    public async Task Is_ancestor_says_whether_a_branch_contains_a_commit()
    {
        var headTip = await Branch("feature", _root, ("head.txt", "from head\n", "head change", null));
        var baseTip = await Branch("main", _root, ("base.txt", "from base\n", "base change", null));
        Assert.False(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, headTip, baseTip));
        Assert.True(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, _root, baseTip));
        Assert.True(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, baseTip, baseTip));

        // Merged on the command line: the base now contains the head, not the other way round.
        await TestGit.Run(_work, "merge", "-q", "--no-edit", "feature");
        await TestGit.Run(_work, "push", "-q", "origin", "main");
        var merged = (await Git("rev-parse", "refs/heads/main")).Trim();
        Assert.True(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, headTip, merged));
        Assert.False(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, merged, headTip));

        Assert.False(await Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, new string('a', 40), merged)); // unknown commit
        await Assert.ThrowsAsync<ArgumentException>(() => Anvil.Git.Merging.Merger.IsAncestorAsync(_bare, "--all", merged));
    }

    [Fact]
    public async Task Conflicts_are_detected_with_their_paths_and_block_merging()
    {
        var baseTip = await Branch("main", _root, ("shared.txt", "line 1\nBASE\nline 3\n", "base edit", null),
            ("base-only.txt", "x", "unrelated", null));
        var headTip = await Branch("feature", _root, ("shared.txt", "line 1\nHEAD\nline 3\n", "head edit", null));

        var analysis = await Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, baseTip, headTip);
        Assert.Equal(MergeStatus.Conflicts, analysis.Status);
        Assert.False(analysis.CanMerge);
        Assert.Equal(["shared.txt"], analysis.ConflictingPaths);
        Assert.Null(analysis.TreeOid);

        var ex = await Assert.ThrowsAsync<MergeNotPossibleException>(() =>
            Anvil.Git.Merging.Merger.CreateSquashCommitAsync(_bare, baseTip, headTip, "squash", Merger, Merger));
        Assert.Equal(MergeStatus.Conflicts, ex.Analysis.Status);
    }

    [Fact]
    public async Task Squash_makes_one_commit_on_base_with_the_merged_tree()
    {
        var baseTip = await Branch("main", _root, ("base.txt", "b", "base change", null));
        var headTip = await Branch("feature", _root, ("h1.txt", "1", "h1", null), ("h2.txt", "2", "h2", null));

        var squash = await Anvil.Git.Merging.Merger.CreateSquashCommitAsync(_bare, baseTip, headTip, "Feature (#1)\n\n* h1\n* h2",
            TestGit.Alice, Merger);
        Assert.Equal(baseTip, await Git("log", "-1", "--format=%P", squash));
        Assert.Equal("Alice Author|Mona Merger|Feature (#1)\n\n* h1\n* h2", await Git("log", "-1", "--format=%an|%cn|%B", squash));
        Assert.Equal("base.txt\nh1.txt\nh2.txt\nshared.txt", await Git("ls-tree", "--name-only", squash));
    }

    [Fact]
    public async Task Fast_forward_and_up_to_date_cases()
    {
        var headTip = await Branch("feature", _root, ("f.txt", "f", "f", null));

        var ff = await Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, _root, headTip);
        Assert.Equal(MergeStatus.FastForward, ff.Status);
        Assert.Equal(await Git("rev-parse", headTip + "^{tree}"), ff.TreeOid);

        // GitHub's "merge commit" never fast-forwards: it still records a merge.
        var merge = await Anvil.Git.Merging.Merger.CreateMergeCommitAsync(_bare, _root, headTip, "Merge", Merger, Merger);
        Assert.Equal($"{_root} {headTip}", await Git("log", "-1", "--format=%P", merge));

        var upToDate = await Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, headTip, _root);
        Assert.Equal(MergeStatus.UpToDate, upToDate.Status);
        Assert.False(upToDate.CanMerge);

        var rebase = await Anvil.Git.Merging.Merger.RebaseAsync(_bare, headTip, _root, Merger);
        Assert.Equal(RebaseStatus.UpToDate, rebase.Status);
        Assert.Equal(headTip, rebase.NewHeadOid);
    }

    [Fact]
    public async Task Rebase_replays_each_commit_keeping_authors_dates_and_messages()
    {
        // A fixed date in another time zone shows the replay keeps the original author date, not "now".
        var dated = TestGit.Bob with { When = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7)) };
        var baseTip = await Branch("main", _root, ("shared.txt", "line 1 (base)\nline 2\nline 3\n", "base edits line 1", null));
        var headTip = await Branch("feature", _root,
            ("a.txt", "a", "first: add a\n\nwith a body", TestGit.Alice),
            ("shared.txt", "line 1\nline 2\nline 3 (head)\n", "second: edit line 3", dated),
            ("b.txt", "b", "third: add b", TestGit.Alice));
        var originals = (await Git("log", "--reverse", "--format=%an <%ae> %ad%x00%B%x01", "--date=raw", _root + ".." + headTip))
            .Split('\u0001', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        var result = await Anvil.Git.Merging.Merger.RebaseAsync(_bare, "refs/heads/main", headTip, Merger);

        Assert.Equal(RebaseStatus.Rebased, result.Status);
        Assert.Equal(3, result.NewCommitOids.Count);
        Assert.Equal(result.NewCommitOids[^1], result.NewHeadOid);
        Assert.Equal(baseTip, await Git("rev-parse", result.NewCommitOids[0] + "^"));
        var replayed = (await Git("log", "--reverse", "--format=%an <%ae> %ad%x00%B%x01", "--date=raw", baseTip + ".." + result.NewHeadOid))
            .Split('\u0001', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(originals, replayed);
        Assert.Contains("Bob Builder <bob@example.com> 1577959445 -0700", replayed[1]);
        Assert.Equal("Mona Merger", await Git("log", "-1", "--format=%cn", result.NewHeadOid!));
        Assert.Equal("line 1 (base)\nline 2\nline 3 (head)", await Show(result.NewHeadOid + ":shared.txt"));
        Assert.Equal("a", await Show(result.NewHeadOid + ":a.txt"));
        Assert.Equal("b", await Show(result.NewHeadOid + ":b.txt"));
        Assert.Equal(3, int.Parse(await Git("rev-list", "--count", baseTip + ".." + result.NewHeadOid)));
        await Git("fsck", "--full", "--strict");
    }

    [Fact]
    public async Task Rebase_reports_the_commit_that_conflicts()
    {
        await Branch("main", _root, ("shared.txt", "line 1\nBASE\nline 3\n", "base edit", null));
        var first = await TestGit.Run(_work, "rev-parse", "HEAD");
        await Branch("feature", _root, ("a.txt", "a", "clean one", null));
        var conflicting = await TestGit.CommitFile(_work, "shared.txt", "line 1\nHEAD\nline 3\n", "conflicting one");
        await TestGit.Run(_work, "push", "-q", "-f", "origin", "feature");

        var result = await Anvil.Git.Merging.Merger.RebaseAsync(_bare, first, conflicting, Merger);
        Assert.Equal(RebaseStatus.Conflicts, result.Status);
        Assert.Equal(conflicting, result.ConflictingCommitOid);
        Assert.Equal(["shared.txt"], result.ConflictingPaths);
        Assert.Null(result.NewHeadOid);
    }

    [Fact]
    public async Task Rebase_drops_commits_base_already_has()
    {
        var baseTip = await Branch("main", _root, ("same.txt", "same", "on base", null));
        var headTip = await Branch("feature", _root, ("same.txt", "same", "same change on head", null), ("new.txt", "n", "new", null));

        var result = await Anvil.Git.Merging.Merger.RebaseAsync(_bare, baseTip, headTip, Merger);
        Assert.Equal(RebaseStatus.Rebased, result.Status);
        var only = Assert.Single(result.NewCommitOids);
        Assert.Equal("new", await Git("log", "-1", "--format=%s", only));
    }

    [Fact]
    public async Task Unrelated_histories_and_bad_revisions_are_refused()
    {
        await TestGit.Run(_work, "checkout", "-q", "--orphan", "other");
        var orphan = await TestGit.CommitFile(_work, "o.txt", "o", "orphan");
        await TestGit.Run(_work, "push", "-q", "origin", "other", "+" + _root + ":refs/heads/main");

        Assert.Equal(MergeStatus.UnrelatedHistories, (await Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, _root, orphan)).Status);
        await Assert.ThrowsAsync<ArgumentException>(() => Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, "--output=/tmp/x", orphan));
        await Assert.ThrowsAsync<ArgumentException>(() => Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, "main~1", orphan));
        await Assert.ThrowsAsync<ArgumentException>(() => Anvil.Git.Merging.Merger.AnalyzeAsync(_bare, new string('a', 40), orphan));
    }
}
