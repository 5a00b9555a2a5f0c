using System.Collections.Concurrent;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>
/// One repository per test server, built with the real git CLI and pushed over smart HTTP, covering what browsing
/// must handle: a root commit, edits, binary files, an image, HTML, an executable, a symlink, unicode and spaces in
/// paths, a rename on a branch merged with --no-ff, a submodule entry, an annotated and a lightweight tag, and a file too big to inline on its own branch.
/// Tests only read it.
/// </summary>
public sealed record SampleRepository(TestUser Owner, string Name, string Root, string Edit, string Rename, string MainChange, string Merge, string Submodule)
{
    /// <summary>On branch <c>large-files</c>: a text file over the 1 MiB inline limit, so it streams from its own process.</summary>
    public const string LargePath = "large/big.txt";
    public static readonly string LargeContent = string.Concat(Enumerable.Range(0, 150_000).Select(i => $"line {i:D6}\n"));

    public const string UnicodePath = "dir with space/ünïcödé file.txt";
    public const string UnicodeContent = "héllo wörld\n";
    public static readonly byte[] BinaryContent = [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, (byte)'x', 0x10];
    public static readonly byte[] PngContent = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1];
    public const string HtmlContent = "<html><body><script>alert(1)</script></body></html>\n";

    public string Base => $"/api/repositories/{Owner.Username}/{Name}";
    public string V1 => $"/api/v1/repos/{Owner.Username}/{Name}";

    private static readonly ConcurrentDictionary<AnvilServer, Lazy<Task<SampleRepository>>> PerServer = new();

    public static Task<SampleRepository> ForAsync(AnvilServer server) =>
        PerServer.GetOrAdd(server, s => new Lazy<Task<SampleRepository>>(() => BuildAsync(s))).Value;

    public static string AppLines(int changedLine)
        => string.Concat(Enumerable.Range(1, 10).Select(i => i == changedLine ? $"line {i} changed\n" : $"line {i}\n"));

    private static async Task<SampleRepository> BuildAsync(AnvilServer server)
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using var wt = GitWorkTree.Create();

        wt.Write("README.md", "# Sample\n").Write("src/app.txt", AppLines(0));
        var root = wt.Commit("Initial commit");
        wt.Git("tag", "light");

        wt.AuthorName = owner.Username;
        wt.AuthorEmail = $"{owner.Username}@example.com";
        wt.Write("src/app.txt", AppLines(5))
            .Write("assets/blob.bin", BinaryContent)
            .Write("assets/logo.png", PngContent)
            .Write("docs/page.html", HtmlContent)
            .Write(UnicodePath, UnicodeContent)
            .Write("run.sh", "#!/bin/sh\necho hi\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(wt.WorkDir, "run.sh"), (UnixFileMode)0b111_101_101);
        }
        File.CreateSymbolicLink(Path.Combine(wt.WorkDir, "link"), "README.md");
        var edit = wt.Commit("Edit app\n\nWith a body.");
        wt.Git("tag", "-a", "v1.0", "-m", "release 1.0");
        wt.AuthorName = "Ada Author";
        wt.AuthorEmail = "ada@example.com";

        wt.Git("checkout", "-q", "-b", "feature");
        wt.Git("mv", "src/app.txt", "src/main.txt");
        wt.Write("feature.txt", "feature\n");
        var rename = wt.Commit("Rename app to main");

        wt.Git("checkout", "-q", "main");
        wt.Write("README.md", "# Sample\n\nMore.\n");
        var mainChange = wt.Commit("Main change");
        wt.Git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature");
        var merge = wt.Head();

        wt.Git("update-index", "--add", "--cacheinfo", $"160000,{root},vendor/lib");
        wt.Git("commit", "-q", "-m", "Add submodule");
        var submodule = wt.Head();

        wt.Git("checkout", "-q", "-b", "large-files");
        wt.Write(LargePath, LargeContent).Commit("Add a large file");
        wt.Git("checkout", "-q", "main");

        wt.Push(owner, owner.Username, name, "main", "feature", "large-files", "--tags");
        return new SampleRepository(owner, name, root, edit, rename, mainChange, merge, submodule);
    }
}
