using System.Text;
using Anvil.Git.Reading;

namespace Anvil.Git.Tests.Reading;

public class TreeAndFileTests : ReaderTestBase
{
    private (GitWorkTree Repo, string Commit, string SubmoduleCommit) BuildMixedRepo()
    {
        var repo = NewRepo();
        repo.Write("zeta.txt", "z\n")
            .Write("Alpha.md", "# alpha\n")
            .Write("b dir/inner file.txt", "inner\n")
            .Write("ünï/çødé.txt", "unicode\n")
            .Write("src/main.c", "int main(void) { return 0; }\n")
            .Write("bin.dat", [1, 2, 0, 3, 4]);
        File.CreateSymbolicLink(Path.Combine(repo.WorkDir, "link"), "src/main.c");
        repo.Git("add", "-A");
        var submoduleCommit = repo.Git("commit-tree", "-m", "elsewhere", repo.Git("write-tree"));
        repo.Git("update-index", "--add", "--cacheinfo", $"160000,{submoduleCommit},vendor/lib");
        repo.Git("commit", "-q", "-m", "mixed");
        return (repo, repo.Head(), submoduleCommit);
    }

    [Fact]
    public async Task Lists_directories_first_then_files_with_kinds_modes_and_sizes()
    {
        var (repo, commit, _) = BuildMixedRepo();

        var entries = await Reader.GetTreeAsync(repo.GitDir, commit, "");

        Assert.NotNull(entries);
        Assert.Equal(["b dir", "src", "vendor", "ünï", "Alpha.md", "bin.dat", "link", "zeta.txt"], entries.Select(e => e.Name));
        var byName = entries.ToDictionary(e => e.Name);
        Assert.Equal(GitTreeEntryKind.Tree, byName["src"].Kind);
        Assert.Equal("040000", byName["src"].Mode);
        Assert.Null(byName["src"].Size);
        Assert.Equal(GitTreeEntryKind.Symlink, byName["link"].Kind);
        Assert.Equal("120000", byName["link"].Mode);
        Assert.Equal("src/main.c".Length, byName["link"].Size);
        Assert.Equal(GitTreeEntryKind.Blob, byName["zeta.txt"].Kind);
        Assert.Equal("100644", byName["zeta.txt"].Mode);
        Assert.Equal(2, byName["zeta.txt"].Size);
        Assert.Equal(repo.Git("rev-parse", $"{commit}:zeta.txt"), byName["zeta.txt"].Oid);
    }

    [Fact]
    public async Task Lists_submodules_and_nested_unicode_paths()
    {
        var (repo, commit, submoduleCommit) = BuildMixedRepo();

        var vendor = await Reader.GetTreeAsync(repo.GitDir, commit, "vendor");
        var lib = Assert.Single(vendor!);
        Assert.Equal(GitTreeEntryKind.Submodule, lib.Kind);
        Assert.Equal("160000", lib.Mode);
        Assert.Equal(submoduleCommit, lib.Oid);
        Assert.Equal("vendor/lib", lib.Path);
        Assert.Null(lib.Size);

        var unicode = await Reader.GetTreeAsync(repo.GitDir, commit, "ünï/");
        Assert.Equal("ünï/çødé.txt", Assert.Single(unicode!).Path);
        var spaced = await Reader.GetTreeAsync(repo.GitDir, commit, "b dir");
        Assert.Equal("b dir/inner file.txt", Assert.Single(spaced!).Path);
    }

    [Fact]
    public async Task Missing_paths_and_files_are_not_trees()
    {
        var (repo, commit, _) = BuildMixedRepo();

        Assert.Null(await Reader.GetTreeAsync(repo.GitDir, commit, "nope"));
        Assert.Null(await Reader.GetTreeAsync(repo.GitDir, commit, "zeta.txt"));
        Assert.Null(await Reader.GetTreeAsync(repo.GitDir, commit, "zeta.txt/x"));
        Assert.Null(await Reader.GetTreeAsync(repo.GitDir, commit, "vendor/lib"));
        Assert.Null(await Reader.GetTreeAsync(repo.GitDir, new string('a', 40), ""));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("src/../..")]
    [InlineData("/etc/passwd")]
    [InlineData("src/./main.c")]
    [InlineData("src//main.c")]
    [InlineData("src\\main.c")]
    [InlineData("src\0main.c")]
    [InlineData("src\nmain.c")]
    public async Task Rejects_paths_that_are_not_plain(string path)
    {
        var (repo, commit, _) = BuildMixedRepo();
        await Assert.ThrowsAsync<GitPathException>(() => Reader.GetTreeAsync(repo.GitDir, commit, path));
        await Assert.ThrowsAsync<GitPathException>(() => Reader.GetFileAsync(repo.GitDir, commit, path));
    }

    [Fact]
    public async Task Rejects_overlong_paths()
    {
        var (repo, commit, _) = BuildMixedRepo();
        await Assert.ThrowsAsync<GitPathException>(() => Reader.GetTreeAsync(repo.GitDir, commit, string.Join('/', Enumerable.Repeat("abcd", 1000))));
    }

    [Fact]
    public async Task Reads_text_binary_symlink_and_submodule_files()
    {
        var (repo, commit, submoduleCommit) = BuildMixedRepo();

        var text = await Reader.GetFileAsync(repo.GitDir, commit, "src/main.c");
        Assert.Equal("int main(void) { return 0; }\n", Encoding.UTF8.GetString(text!.Content!));
        Assert.False(text.IsBinary);
        Assert.False(text.IsTooLarge);
        Assert.Equal(text.Content!.Length, text.Size);
        Assert.Equal(text.Size, text.Entry.Size);

        var binary = await Reader.GetFileAsync(repo.GitDir, commit, "bin.dat");
        Assert.True(binary!.IsBinary);

        var link = await Reader.GetFileAsync(repo.GitDir, commit, "link");
        Assert.Equal(GitTreeEntryKind.Symlink, link!.Entry.Kind);
        Assert.Equal("src/main.c", link.SymlinkTarget);

        var sub = await Reader.GetFileAsync(repo.GitDir, commit, "vendor/lib");
        Assert.Equal(GitTreeEntryKind.Submodule, sub!.Entry.Kind);
        Assert.Equal(submoduleCommit, sub.Entry.Oid);
        Assert.Null(sub.Content);

        var unicode = await Reader.GetFileAsync(repo.GitDir, commit, "ünï/çødé.txt");
        Assert.Equal("unicode\n", Encoding.UTF8.GetString(unicode!.Content!));

        Assert.Null(await Reader.GetFileAsync(repo.GitDir, commit, "src"));
        Assert.Null(await Reader.GetFileAsync(repo.GitDir, commit, "src/missing.c"));
    }

    [Fact]
    public async Task A_small_file_read_again_comes_back_the_same_and_still_honours_the_size_limit()
    {
        var repo = NewRepo();
        var commit = repo.Write("notes.txt", "first line\nsecond line\n").Write("other.txt", "other\n").Commit("notes");

        var first = await Reader.GetFileAsync(repo.GitDir, commit, "notes.txt");
        var again = await Reader.GetFileAsync(repo.GitDir, commit, "notes.txt");
        Assert.Equal("first line\nsecond line\n", Encoding.UTF8.GetString(again!.Content!));
        Assert.Equal(first!.Size, again.Size);
        Assert.Equal(first.Size, again.Entry.Size);

        // The kept bytes answer a caller with a smaller limit as too large, as reading it afresh would.
        var limited = await Reader.GetFileAsync(repo.GitDir, commit, "notes.txt", maxBytes: 5);
        Assert.True(limited!.IsTooLarge);
        Assert.Null(limited.Content);
        Assert.Equal(first.Size, limited.Size);

        await using var stream = await Reader.OpenFileAsync(repo.GitDir, commit, "notes.txt");
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        Assert.Equal(first.Content, copy.ToArray());
        Assert.Equal("other\n", Encoding.UTF8.GetString((await Reader.GetFileAsync(repo.GitDir, commit, "other.txt"))!.Content!));
    }

    [Fact]
    public async Task Large_files_are_refused_in_memory_and_streamed_intact()
    {
        var repo = NewRepo();
        var big = new byte[300_000];
        new Random(42).NextBytes(big);
        big[10] = 0;
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("line of text\n", 20_000)));
        var commit = repo.Write("big.bin", big).Write("big.txt", text).Commit("big");
        var reader = new GitReader(Pool, new GitReaderOptions { PooledStreamMaxBytes = 1000 });

        var file = await reader.GetFileAsync(repo.GitDir, commit, "big.bin", maxBytes: 1000);
        Assert.True(file!.IsTooLarge);
        Assert.Null(file.Content);
        Assert.True(file.IsBinary);
        Assert.Equal(big.Length, file.Size);
        var bigText = await reader.GetFileAsync(repo.GitDir, commit, "big.txt", maxBytes: 1000);
        Assert.True(bigText!.IsTooLarge);
        Assert.False(bigText.IsBinary);

        await using (var stream = await reader.OpenFileAsync(repo.GitDir, commit, "big.bin"))
        {
            Assert.Equal(big.Length, stream!.Length);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(big, copy.ToArray());
        }

        // Abandoning a stream half-way must not leave anything behind that breaks later reads.
        await using (var partial = await reader.OpenFileAsync(repo.GitDir, commit, "big.txt"))
        {
            var buffer = new byte[100];
            await partial!.ReadExactlyAsync(buffer);
        }
        await using var small = await Reader.OpenFileAsync(repo.GitDir, commit, "big.txt");
        using var smallCopy = new MemoryStream();
        await small!.CopyToAsync(smallCopy);
        Assert.Equal(text, smallCopy.ToArray());

        Assert.Null(await reader.OpenFileAsync(repo.GitDir, commit, ""));
    }

    [Fact]
    public async Task Entry_lookup_finds_root_trees_and_files()
    {
        var (repo, commit, _) = BuildMixedRepo();

        var root = await Reader.GetEntryAsync(repo.GitDir, commit, "");
        Assert.Equal(repo.Git("rev-parse", $"{commit}^{{tree}}"), root!.Oid);
        Assert.Equal(GitTreeEntryKind.Tree, root.Kind);
        var file = await Reader.GetEntryAsync(repo.GitDir, commit, "src/main.c");
        Assert.Equal("main.c", file!.Name);
        Assert.Equal("src/main.c", file.Path);
    }
}
