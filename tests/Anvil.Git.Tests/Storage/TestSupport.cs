namespace Anvil.Git.Tests.Storage;

/// <summary>A temp directory that is removed when the test ends.</summary>
public sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "anvil-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Runs the real git CLI for test setup and checks, with a fixed test identity.</summary>
public static class TestGit
{
    public static readonly GitSignature Alice = new("Alice Author", "alice@example.com");
    public static readonly GitSignature Bob = new("Bob Builder", "bob@example.com");

    private static readonly Dictionary<string, string> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "Test User",
        ["GIT_AUTHOR_EMAIL"] = "test@example.com",
        ["GIT_COMMITTER_NAME"] = "Test User",
        ["GIT_COMMITTER_EMAIL"] = "test@example.com",
    };

    /// <summary>Runs git in <paramref name="workDir"/> (null: current dir) and returns trimmed stdout; throws on failure.</summary>
    public static async Task<string> Run(string? workDir, params string[] args)
    {
        var r = await Try(workDir, args);
        if (!r.Success)
        {
            throw new Xunit.Sdk.XunitException($"git {string.Join(' ', args)} failed ({r.ExitCode}): {r.Stderr}");
        }
        return r.StdoutText.Trim();
    }

    public static Task<GitResult> Try(string? workDir, params string[] args)
    {
        var full = workDir is null ? args : ["-C", workDir, .. args];
        return GitCli.RunAsync(null, full, env: Identity);
    }

    /// <summary>Writes a file in a work tree and commits it; returns the new commit id.</summary>
    public static async Task<string> CommitFile(string workTree, string path, string content, string message,
        GitSignature? author = null)
    {
        var full = System.IO.Path.Combine(workTree, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, content);
        await Run(workTree, "add", "--", path);
        var args = new List<string> { "commit", "-q", "-m", message };
        if (author is not null)
        {
            args.Add($"--author={author.Name} <{author.Email}>");
            if (author.When is { } when)
            {
                args.Add("--date=" + when.ToString("yyyy-MM-ddTHH:mm:sszzz"));
            }
        }
        await Run(workTree, [.. args]);
        return await Run(workTree, "rev-parse", "HEAD");
    }

    public static async Task<string> InitWorkTree(string path, string branch = "main")
    {
        Directory.CreateDirectory(path);
        await Run(path, "init", "-q", "-b", branch);
        return path;
    }
}
