using System.Text;
using Anvil.Git.Tests.Storage;

namespace Anvil.Git.Tests.SmartHttp;

/// <summary>Real git clients against <see cref="SmartHttpService"/> over a loopback HTTP server.</summary>
public sealed class SmartHttpTests : IAsyncLifetime
{
    private const long Owner = 1;
    private const long Repo = 2;

    private readonly ScratchDir _tmp = new();
    private readonly RepositoryStore _store;
    private TestGitHttpServer _server = null!;

    public SmartHttpTests()
    {
        _store = new RepositoryStore(_tmp.Sub("repositories"));
    }

    public async Task InitializeAsync()
    {
        _server = new TestGitHttpServer(_store, _tmp.Sub("hooks"));
        await _store.CreateAsync(Owner, Repo, "main", new InitialCommit(TestGit.Alice, "demo", "over http"), default);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Assert.Empty(_server.Errors);
        _tmp.Dispose();
    }

    private string Url => _server.UrlFor(Owner, Repo);
    private string BareDir => _store.PathFor(Owner, Repo);

    private async Task<string> Clone(string name, params string[] options)
    {
        var dir = _tmp.Sub(name);
        await TestGit.Run(null, ["clone", "-q", .. options, Url, dir]);
        return dir;
    }

    private Task<string> ServerRef(string refName) => TestGit.Run(null, "--git-dir=" + BareDir, "rev-parse", refName);

    private async Task AssertServerFsckClean() => await TestGit.Run(null, "--git-dir=" + BareDir, "fsck", "--full", "--strict");

    /// <summary>
    /// The ref changes reported by every receive-pack request since the last call. A push can be more than one
    /// request (git probes with an empty POST before a large chunked one), so this takes them all.
    /// </summary>
    private async Task<List<RefChange>> PushedChanges()
    {
        await _server.Idle();
        var changes = new List<RefChange>();
        while (_server.Pushes.TryDequeue(out var push))
        {
            changes.AddRange(push.RefChanges);
        }
        return changes;
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Clone_works_with_each_protocol_version(string version)
    {
        var clone = await Clone("clone", "-c", "protocol.version=" + version);
        Assert.Equal("# demo\n\nover http\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md")));
        Assert.Equal(await ServerRef("main"), await TestGit.Run(clone, "rev-parse", "HEAD"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    public async Task Shallow_clone_gets_one_commit(string version)
    {
        var work = await Clone("work");
        await TestGit.CommitFile(work, "a.txt", "a", "second");
        await TestGit.CommitFile(work, "b.txt", "b", "third");
        await TestGit.Run(work, "push", "-q", "origin", "main");

        var shallow = await Clone("shallow", "-c", "protocol.version=" + version, "--depth", "1");
        Assert.Equal("1", await TestGit.Run(shallow, "rev-list", "--count", "HEAD"));
        Assert.Equal("true", await TestGit.Run(shallow, "rev-parse", "--is-shallow-repository"));
        Assert.True(File.Exists(Path.Combine(shallow, "b.txt")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    public async Task Partial_clone_omits_blobs_and_fetches_them_lazily(string version)
    {
        var work = await Clone("work");
        await TestGit.CommitFile(work, "a.txt", "old content", "second");
        await TestGit.CommitFile(work, "a.txt", "new content", "third");
        await TestGit.Run(work, "push", "-q", "origin", "main");

        var partial = await Clone("partial", "-c", "protocol.version=" + version, "--filter=blob:none");
        Assert.Equal("new content", await File.ReadAllTextAsync(Path.Combine(partial, "a.txt")));
        var missing = await TestGit.Run(partial, "rev-list", "--objects", "--all", "--missing=print");
        Assert.Contains("\n?", "\n" + missing); // the old blob really was filtered out

        // Lazily fetching a missing blob by id is what partial clones do later on.
        Assert.Equal("old content", await TestGit.Run(partial, "-c", "protocol.version=" + version, "show", "HEAD~1:a.txt"));
    }

    [Fact]
    public async Task Pushes_report_exactly_the_refs_they_changed()
    {
        var work = await Clone("work");
        var initial = await TestGit.Run(work, "rev-parse", "HEAD");

        // New branch.
        await TestGit.Run(work, "checkout", "-q", "-b", "feature");
        var f1 = await TestGit.CommitFile(work, "f.txt", "1", "feature 1");
        await TestGit.Run(work, "push", "-q", "origin", "feature");
        Assert.Equal([new RefChange("refs/heads/feature", RepositoryStore.ZeroOid, f1)], await PushedChanges());

        // Fast-forward.
        var f2 = await TestGit.CommitFile(work, "f.txt", "2", "feature 2");
        await TestGit.Run(work, "push", "-q", "origin", "feature");
        Assert.Equal([new RefChange("refs/heads/feature", f1, f2)], await PushedChanges());

        // Non-fast-forward: rejected without --force (the client refuses after the advertisement, or the
        // server refuses; either way nothing changes), accepted with it.
        await TestGit.Run(work, "reset", "-q", "--hard", f1);
        var rewritten = await TestGit.CommitFile(work, "f.txt", "rewritten", "feature 2'");
        Assert.False((await TestGit.Try(work, "push", "-q", "origin", "feature")).Success);
        Assert.Empty(await PushedChanges());
        Assert.Equal(f2, await ServerRef("refs/heads/feature"));

        await TestGit.Run(work, "push", "-q", "--force", "origin", "feature");
        Assert.Equal([new RefChange("refs/heads/feature", f2, rewritten)], await PushedChanges());

        // Several refs in one push, one of them a tag.
        await TestGit.Run(work, "tag", "v1", initial);
        await TestGit.Run(work, "branch", "other", initial);
        await TestGit.Run(work, "push", "-q", "origin", "v1", "other");
        Assert.Equal(
            new[] { new RefChange("refs/heads/other", RepositoryStore.ZeroOid, initial), new RefChange("refs/tags/v1", RepositoryStore.ZeroOid, initial) },
            (await PushedChanges()).OrderBy(c => c.RefName, StringComparer.Ordinal));

        // Delete.
        await TestGit.Run(work, "push", "-q", "origin", "--delete", "feature");
        var delete = Assert.Single(await PushedChanges());
        Assert.Equal(new RefChange("refs/heads/feature", rewritten, RepositoryStore.ZeroOid), delete);
        Assert.True(delete.IsDelete);

        await AssertServerFsckClean();
    }

    [Fact]
    public async Task Deleting_the_default_branch_is_refused_unless_allowed()
    {
        var work = await Clone("work");
        var main = await ServerRef("main");
        Assert.False((await TestGit.Try(work, "push", "-q", "origin", "--delete", "main")).Success);
        Assert.Empty(await PushedChanges());
        Assert.Equal(main, await ServerRef("main"));

        _server.Options = new ServiceOptions { AllowDeletingDefaultBranch = true };
        await TestGit.Run(work, "push", "-q", "origin", "--delete", "main");
        Assert.Equal([new RefChange("refs/heads/main", main, RepositoryStore.ZeroOid)], await PushedChanges());
    }

    [Fact]
    public async Task Large_fetch_negotiation_arrives_gzipped_and_is_decoded()
    {
        // One commit per branch: 40 distinct wants make the upload-pack request bigger than the 1 KiB above
        // which git gzips request bodies.
        var seed = await Clone("seed");
        var import = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            var data = $"branch {i}\n";
            import.Append($"commit refs/heads/b{i:00}\nmark :{i + 1}\ncommitter T <t@example.com> 1700000000 +0000\n")
                .Append($"data {Encoding.UTF8.GetByteCount(data)}\n{data}from refs/heads/main\n")
                .Append($"M 100644 inline b{i}.txt\ndata {Encoding.UTF8.GetByteCount(data)}\n{data}\n");
        }
        var imported = await GitCli.RunAsync(null, ["-C", seed, "fast-import", "--quiet"], Encoding.UTF8.GetBytes(import.ToString()));
        Assert.True(imported.Success, imported.Stderr);
        await TestGit.Run(seed, "push", "-q", "origin", "refs/heads/*:refs/heads/*");

        foreach (var version in new[] { "0", "2" })
        {
            var gzipBefore = _server.GzipRequests;
            var clone = await Clone("clone-v" + version, "-c", "protocol.version=" + version, "--mirror");
            Assert.True(_server.GzipRequests > gzipBefore, $"no gzip request with protocol v{version}");
            Assert.Equal(41, (await TestGit.Run(clone, "for-each-ref", "refs/heads")).Split('\n').Length);
            await TestGit.Run(clone, "fsck", "--full");
        }
    }

    [Fact]
    public async Task Push_size_limit_rejects_big_packs_and_large_chunked_pushes_work_without_it()
    {
        var work = await Clone("work");
        var noise = new byte[3 * 1024 * 1024]; // incompressible and above http.postBuffer, so sent chunked
        new Random(42).NextBytes(noise);
        await File.WriteAllBytesAsync(Path.Combine(work, "noise.bin"), noise);
        await TestGit.Run(work, "add", "noise.bin");
        await TestGit.Run(work, "commit", "-q", "-m", "noise");
        var main = await ServerRef("main");

        _server.Options = new ServiceOptions { MaxPushSizeBytes = 512 * 1024 };
        var rejected = await TestGit.Try(work, "push", "-q", "origin", "main");
        Assert.False(rejected.Success);
        Assert.Contains("pack exceeds maximum allowed size", rejected.Stderr);
        Assert.Empty(await PushedChanges());
        Assert.Equal(main, await ServerRef("main"));

        _server.Options = ServiceOptions.Default;
        await TestGit.Run(work, "push", "-q", "origin", "main");
        var pushed = await TestGit.Run(work, "rev-parse", "HEAD");
        Assert.Equal([new RefChange("refs/heads/main", main, pushed)], await PushedChanges());
        await AssertServerFsckClean();
    }

    [Fact]
    public async Task Concurrent_pushes_to_one_branch_let_exactly_one_win()
    {
        var main = await ServerRef("main");
        var a = await Clone("a");
        var b = await Clone("b");
        var commitA = await TestGit.CommitFile(a, "a.txt", "a", "from a");
        var commitB = await TestGit.CommitFile(b, "b.txt", "b", "from b");

        var results = await Task.WhenAll(TestGit.Try(a, "push", "origin", "main"), TestGit.Try(b, "push", "origin", "main"));

        Assert.Single(results, r => r.Success);
        var winner = results[0].Success ? commitA : commitB;
        Assert.Equal(winner, await ServerRef("main"));
        Assert.Equal([new RefChange("refs/heads/main", main, winner)], await PushedChanges());
        await AssertServerFsckClean();
    }

    [Fact]
    public async Task Bad_protocol_headers_and_service_names_are_rejected()
    {
        Assert.True(GitProtocolHeader.IsValid(null));
        Assert.True(GitProtocolHeader.IsValid("version=2"));
        Assert.True(GitProtocolHeader.IsValid("version=2:object-format=sha1"));
        Assert.False(GitProtocolHeader.IsValid("version=3"));
        Assert.False(GitProtocolHeader.IsValid("version=2;rm -rf"));
        Assert.False(GitProtocolHeader.IsValid("version=2\n"));
        Assert.False(GitProtocolHeader.IsValid("version=2::"));

        Assert.True(GitService.TryParse("git-upload-pack", out var up));
        Assert.Same(GitService.UploadPack, up);
        Assert.Equal("application/x-git-upload-pack-advertisement", up.AdvertisementContentType);
        Assert.Equal("application/x-git-receive-pack-result", GitService.ReceivePack.ResultContentType);
        Assert.False(GitService.TryParse("git-upload-archive", out _));
        Assert.False(GitService.TryParse("upload-pack", out _));

        var service = new SmartHttpService(_tmp.Sub("hooks2"));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            service.AdvertiseRefsAsync(BareDir, GitService.UploadPack, "version=2 x", Stream.Null, ServiceOptions.Default, default));
    }

    [Fact]
    public async Task Advertisement_has_the_service_preamble_except_for_upload_pack_v2()
    {
        var service = new SmartHttpService(_tmp.Sub("hooks2"));
        async Task<string> Advertise(GitService svc, string? protocol)
        {
            using var ms = new MemoryStream();
            var result = await service.AdvertiseRefsAsync(BareDir, svc, protocol, ms, ServiceOptions.Default, default);
            Assert.True(result.Success, result.Stderr);
            return Encoding.UTF8.GetString(ms.ToArray());
        }

        Assert.StartsWith("001e# service=git-upload-pack\n0000", await Advertise(GitService.UploadPack, null));
        Assert.StartsWith("001f# service=git-receive-pack\n0000", await Advertise(GitService.ReceivePack, "version=2"));
        Assert.StartsWith("000eversion 2\n", await Advertise(GitService.UploadPack, "version=2"));
    }
}
