using System.Text;
using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

public class DiffTests : ReaderTestBase
{
    private static string Lines(int from, int to, Func<int, string>? line = null)
        => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => (line ?? (n => $"line {n}"))(i) + "\n"));

    [Fact]
    public async Task Modified_file_hunks_have_exact_line_numbers()
    {
        var repo = NewRepo();
        repo.Write("f.txt", Lines(1, 20)).Commit("one");
        var commit = repo.Write("f.txt", Lines(1, 20, n => n == 10 ? "changed 10" : $"line {n}") + "added 21\n").Commit("two");

        var diff = await Reader.GetCommitDiffAsync(repo.GitDir, commit);

        var file = Assert.Single(diff!.Files);
        Assert.Equal(("f.txt", DiffFileStatus.Modified, 2, 1, false), (file.Path, file.Status, file.Additions, file.Deletions, file.IsTruncated));
        Assert.Null(file.OldPath);
        Assert.Equal((1, 2, 1), (diff.FilesChanged, diff.Additions, diff.Deletions));
        Assert.Equal(2, file.Hunks.Count);
        var hunk = file.Hunks[0];
        Assert.Equal((7, 7, 7, 7), (hunk.OldStart, hunk.OldLines, hunk.NewStart, hunk.NewLines));
        Assert.StartsWith("@@ -7,7 +7,7 @@", hunk.Header);
        Assert.Equal(
        [
            new DiffLine(DiffLineType.Context, "line 7", 7, 7),
            new DiffLine(DiffLineType.Context, "line 8", 8, 8),
            new DiffLine(DiffLineType.Context, "line 9", 9, 9),
            new DiffLine(DiffLineType.Deletion, "line 10", 10, null),
            new DiffLine(DiffLineType.Addition, "changed 10", null, 10),
            new DiffLine(DiffLineType.Context, "line 11", 11, 11),
            new DiffLine(DiffLineType.Context, "line 12", 12, 12),
            new DiffLine(DiffLineType.Context, "line 13", 13, 13),
        ], hunk.Lines);
        Assert.Equal(new DiffLine(DiffLineType.Addition, "added 21", null, 21), file.Hunks[1].Lines[^1]);
        Assert.Equal(repo.Git("rev-parse", $"{commit}~1:f.txt"), file.OldOid);
        Assert.Equal(repo.Git("rev-parse", $"{commit}:f.txt"), file.NewOid);
    }

    [Fact]
    public async Task Missing_newline_at_end_of_file_is_flagged_on_the_line()
    {
        var repo = NewRepo();
        repo.Write("f.txt", "a\nb").Commit("one");
        var commit = repo.Write("f.txt", "a\nc").Commit("two");

        var lines = (await Reader.GetCommitDiffAsync(repo.GitDir, commit))!.Files[0].Hunks.Single().Lines;

        Assert.Equal(
        [
            new DiffLine(DiffLineType.Context, "a", 1, 1),
            new DiffLine(DiffLineType.Deletion, "b", 2, null, NoNewlineAtEnd: true),
            new DiffLine(DiffLineType.Addition, "c", null, 2, NoNewlineAtEnd: true),
        ], lines);
    }

    [Fact]
    public async Task Root_commit_is_diffed_against_the_empty_tree()
    {
        var repo = NewRepo();
        var commit = repo.Write("one.txt", "x\n").Write("sp ace/ünï.txt", "y\nz\n").Commit("root");

        var diff = await Reader.GetCommitDiffAsync(repo.GitDir, commit);

        Assert.Equal(["one.txt", "sp ace/ünï.txt"], diff!.Files.Select(f => f.Path));
        Assert.All(diff.Files, f => Assert.Equal(DiffFileStatus.Added, f.Status));
        Assert.Equal("000000", diff.Files[0].OldMode);
        Assert.Equal("100644", diff.Files[0].NewMode);
        Assert.Equal((0, 0, 1, 2), (diff.Files[1].Hunks[0].OldStart, diff.Files[1].Hunks[0].OldLines, diff.Files[1].Hunks[0].NewStart, diff.Files[1].Hunks[0].NewLines));
        Assert.Equal(3, diff.Additions);
    }

    [Fact]
    public async Task Detects_renames_copies_deletions_binaries_type_and_mode_changes()
    {
        var repo = NewRepo();
        var source = Lines(1, 30);
        repo.Write("source.txt", source)
            .Write("old name.txt", Lines(1, 10, n => $"rename me {n}"))
            .Write("gone.txt", "bye\n")
            .Write("image.bin", [0, 1, 2, 3])
            .Write("becomes-link", "text\n")
            .Write("script.sh", "echo hi\n")
            .Commit("one");
        repo.Git("mv", "old name.txt", "nëw name.txt");
        File.Delete(Path.Combine(repo.WorkDir, "gone.txt"));
        File.Delete(Path.Combine(repo.WorkDir, "becomes-link"));
        File.CreateSymbolicLink(Path.Combine(repo.WorkDir, "becomes-link"), "source.txt");
        repo.Git("config", "core.fileMode", "false");
        repo.Git("update-index", "--chmod=+x", "script.sh");
        var commit = repo.Write("source.txt", source + "line 31\n")
            .Write("copy.txt", source)
            .Write("image.bin", [0, 1, 2, 4])
            .Commit("two");

        var diff = await Reader.GetCommitDiffAsync(repo.GitDir, commit);
        var files = diff!.Files.ToDictionary(f => f.Path);

        var renamed = files["nëw name.txt"];
        Assert.Equal((DiffFileStatus.Renamed, "old name.txt", 100, 0, 0), (renamed.Status, renamed.OldPath, renamed.Similarity, renamed.Additions, renamed.Deletions));
        Assert.Empty(renamed.Hunks);

        var copied = files["copy.txt"];
        Assert.Equal((DiffFileStatus.Copied, "source.txt"), (copied.Status, copied.OldPath));

        Assert.Equal(DiffFileStatus.Modified, files["source.txt"].Status);
        Assert.Equal(DiffFileStatus.Deleted, files["gone.txt"].Status);
        Assert.Equal("000000", files["gone.txt"].NewMode);
        Assert.Equal(new DiffLine(DiffLineType.Deletion, "bye", 1, null), Assert.Single(files["gone.txt"].Hunks).Lines.Single());

        var binary = files["image.bin"];
        Assert.True(binary.IsBinary);
        Assert.Empty(binary.Hunks);

        var link = files["becomes-link"];
        Assert.Equal((DiffFileStatus.TypeChanged, "100644", "120000"), (link.Status, link.OldMode, link.NewMode));
        Assert.Equal(["-text", "+source.txt"], link.Hunks.SelectMany(h => h.Lines).Select(l => (l.Type == DiffLineType.Addition ? "+" : "-") + l.Content));

        var mode = files["script.sh"];
        Assert.Equal((DiffFileStatus.Modified, "100644", "100755"), (mode.Status, mode.OldMode, mode.NewMode));
        Assert.Empty(mode.Hunks);

        Assert.Equal(diff.Files.Count, diff.FilesChanged);
        Assert.False(diff.IsTruncated);
    }

    [Fact]
    public async Task Merge_commit_is_diffed_against_its_first_parent()
    {
        var repo = NewRepo();
        repo.Write("base.txt", "base\n").Commit("base");
        repo.Git("checkout", "-q", "-b", "side");
        repo.Write("side.txt", "side\n").Commit("side");
        repo.Git("checkout", "-q", "main");
        repo.Write("main.txt", "main\n").Commit("main");
        repo.Git("merge", "-q", "--no-ff", "-m", "merge", "side");

        var diff = await Reader.GetCommitDiffAsync(repo.GitDir, repo.Head());

        var file = Assert.Single(diff!.Files);
        Assert.Equal(("side.txt", DiffFileStatus.Added), (file.Path, file.Status));
    }

    [Fact]
    public async Task Diffs_between_arbitrary_commits_and_reports_missing_ones()
    {
        var repo = NewRepo();
        var a = repo.Write("f.txt", "1\n").Commit("a");
        repo.Write("f.txt", "2\n").Commit("b");
        var c = repo.Write("f.txt", "3\n").Write("g.txt", "g\n").Commit("c");

        var diff = await Reader.GetDiffAsync(repo.GitDir, a, c);
        Assert.Equal(["f.txt", "g.txt"], diff!.Files.Select(f => f.Path));
        Assert.Equal(["1", "3"], diff.Files[0].Hunks[0].Lines.Select(l => l.Content));

        var same = await Reader.GetDiffAsync(repo.GitDir, c, c);
        Assert.Empty(same!.Files);
        Assert.Equal(0, same.FilesChanged);

        Assert.Null(await Reader.GetDiffAsync(repo.GitDir, a, new string('e', 40)));
        Assert.Null(await Reader.GetCommitDiffAsync(repo.GitDir, new string('e', 40)));
        var fromEmpty = await Reader.GetDiffAsync(repo.GitDir, GitInput.EmptyTreeOid, a);
        Assert.Equal(DiffFileStatus.Added, Assert.Single(fromEmpty!.Files).Status);
    }

    [Fact]
    public async Task Limits_truncate_instead_of_failing()
    {
        var repo = NewRepo();
        for (var i = 0; i < 5; i++)
        {
            repo.Write($"f{i}.txt", Lines(1, 50));
        }
        var commit = repo.Commit("five files");

        var fewFiles = await Reader.GetCommitDiffAsync(repo.GitDir, commit, new DiffLimits(MaxFiles: 2));
        Assert.True(fewFiles!.IsTruncated);
        Assert.Equal(2, fewFiles.Files.Count);
        Assert.Equal((5, 250), (fewFiles.FilesChanged, fewFiles.Additions));
        Assert.All(fewFiles.Files, f => Assert.False(f.IsTruncated));

        var fewLines = await Reader.GetCommitDiffAsync(repo.GitDir, commit, new DiffLimits(MaxLinesPerFile: 10));
        Assert.True(fewLines!.IsTruncated);
        Assert.Equal(5, fewLines.Files.Count);
        Assert.All(fewLines.Files, f =>
        {
            Assert.True(f.IsTruncated);
            Assert.Equal(10, f.Hunks.Sum(h => h.Lines.Count));
            Assert.Equal(50, f.Additions);
        });

        // 50 lines of "line NN\n" are about 450 bytes per file: the budget covers the first file and part of the second.
        var fewBytes = await Reader.GetCommitDiffAsync(repo.GitDir, commit, new DiffLimits(MaxPatchBytes: 600));
        Assert.True(fewBytes!.IsTruncated);
        Assert.Equal(5, fewBytes.Files.Count);
        Assert.False(fewBytes.Files[0].IsTruncated);
        Assert.Equal(50, fewBytes.Files[0].Hunks.Single().Lines.Count);
        Assert.All(fewBytes.Files.Skip(1), f => Assert.True(f.IsTruncated));
        Assert.InRange(fewBytes.Files.Sum(f => f.Hunks.Sum(h => h.Lines.Sum(l => l.Content.Length + 2))), 450, 600);
    }

    [Fact]
    public async Task Parses_omitted_hunk_counts_and_submodule_changes()
    {
        var repo = NewRepo();
        repo.Write("one.txt", "a\n").Commit("one");
        var sub1 = repo.Git("commit-tree", "-m", "s1", repo.Git("write-tree"));
        var sub2 = repo.Git("commit-tree", "-m", "s2", repo.Git("write-tree"));
        repo.Git("update-index", "--add", "--cacheinfo", $"160000,{sub1},sub");
        repo.Git("commit", "-q", "-m", "add sub");
        repo.Git("update-index", "--cacheinfo", $"160000,{sub2},sub");
        repo.Write("one.txt", "b\n");
        repo.Git("add", "one.txt");
        repo.Git("commit", "-q", "-m", "change");

        var diff = await Reader.GetCommitDiffAsync(repo.GitDir, repo.Head());
        var files = diff!.Files.ToDictionary(f => f.Path);

        var hunk = files["one.txt"].Hunks.Single();
        Assert.Equal("@@ -1 +1 @@", hunk.Header);
        Assert.Equal((1, 1, 1, 1), (hunk.OldStart, hunk.OldLines, hunk.NewStart, hunk.NewLines));
        Assert.Equal(["a", "b"], hunk.Lines.Select(l => l.Content));
        var sub = files["sub"];
        Assert.Equal(("160000", sub1, sub2), (sub.NewMode, sub.OldOid, sub.NewOid));
        Assert.Equal([$"Subproject commit {sub1}", $"Subproject commit {sub2}"], sub.Hunks.Single().Lines.Select(l => l.Content));
    }

    [Fact]
    public async Task Parser_handles_canned_output_with_lines_that_look_like_headers()
    {
        const string oidA = "1111111111111111111111111111111111111111";
        const string oidB = "2222222222222222222222222222222222222222";
        var raw = $":100644 100644 {oidA} {oidB} M\0we\"ird\\path\0" + "2\t1\twe\"ird\\path\0\0";
        var patch = "diff --git \"a/we\\\"ird\\\\path\" \"b/we\\\"ird\\\\path\"\n" +
                    "index 1111111..2222222 100644\n--- a/x\n+++ b/x\n" +
                    "@@ -3,2 +3,3 @@ int main()\n" +
                    " diff --git a/fake b/fake\n" +
                    "-@@ -1 +1 @@\n" +
                    "+++ not a header\n" +
                    "+\n";
        var reader = new GitOutputReader(new MemoryStream(Encoding.UTF8.GetBytes(raw + patch)));

        var diff = await DiffParser.ParseAsync(reader, DiffLimits.Default, CancellationToken.None);

        var file = Assert.Single(diff.Files);
        Assert.Equal("we\"ird\\path", file.Path);
        var hunk = file.Hunks.Single();
        Assert.Equal("int main()", hunk.Section);
        Assert.Equal(
        [
            new DiffLine(DiffLineType.Context, "diff --git a/fake b/fake", 3, 3),
            new DiffLine(DiffLineType.Deletion, "@@ -1 +1 @@", 4, null),
            new DiffLine(DiffLineType.Addition, "++ not a header", null, 4),
            new DiffLine(DiffLineType.Addition, "", null, 5),
        ], hunk.Lines);
    }
}
