using System.Text;
using Anvil.Git;

namespace Anvil.Git.Tests.Reading;

/// <summary>A throwaway non-bare repository built with the real git CLI. Commit dates advance one minute per commit so history order is deterministic.</summary>
internal sealed class TestRepo : IDisposable
{
    private static long _clock = 1_700_000_000;

    public string WorkDir { get; }
    public string GitDir => Path.Combine(WorkDir, ".git");

    private TestRepo(string workDir) => WorkDir = workDir;

    public static TestRepo Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anvil-reads-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var repo = new TestRepo(dir);
        repo.Git("init", "-q", "-b", "main");
        return repo;
    }

    public string Git(params string[] args) => GitBytes(null, args).Trim();

    public string GitBytes(byte[]? stdin, params string[] args)
    {
        var date = $"@{Interlocked.Add(ref _clock, 60)} +0200";
        var env = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = "Ada Author",
            ["GIT_AUTHOR_EMAIL"] = "ada@example.com",
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_NAME"] = "Cid Committer",
            ["GIT_COMMITTER_EMAIL"] = "cid@example.com",
            ["GIT_COMMITTER_DATE"] = date,
        };
        var r = GitCli.RunCheckedAsync(null, ["-C", WorkDir, .. args], stdin, env).GetAwaiter().GetResult();
        return r.StdoutText;
    }

    public TestRepo Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    public TestRepo Write(string path, byte[] content)
    {
        var full = Path.Combine(WorkDir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return this;
    }

    /// <summary>Stages everything and commits; returns the new commit oid.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Head();
    }

    public string Head() => Git("rev-parse", "HEAD");

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
