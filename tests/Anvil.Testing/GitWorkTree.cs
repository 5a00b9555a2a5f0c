using System.Diagnostics;
using System.Text;

namespace Anvil.Testing;

/// <summary>
/// A throwaway working repository driven by the real git CLI in an isolated environment (no system or user config,
/// no prompts): what tests commit, then read with Anvil.Git or push to a test server. Commit dates advance one minute per
/// git call so history order is deterministic.
/// </summary>
public sealed class GitWorkTree : IDisposable
{
    private static long _clock = 1_700_000_000;

    private readonly string _root;
    public string WorkDir { get; }
    public string GitDir => Path.Combine(WorkDir, ".git");
    public string AuthorName { get; set; } = "Ada Author";
    public string AuthorEmail { get; set; } = "ada@example.com";

    private GitWorkTree(string root)
    {
        _root = root;
        WorkDir = Path.Combine(root, "work");
        Directory.CreateDirectory(WorkDir);
        Directory.CreateDirectory(Path.Combine(root, "home"));
    }

    public static GitWorkTree Create()
    {
        var tree = new GitWorkTree(Path.Combine(Path.GetTempPath(), "anvil-wt-" + Guid.NewGuid().ToString("N")[..10]));
        tree.Git("init", "-q", "-b", "main");
        return tree;
    }

    public string Git(params string[] args) => Encoding.UTF8.GetString(Run(null, args)).Trim();

    public byte[] Run(byte[]? stdin, params string[] args)
    {
        var date = $"@{Interlocked.Add(ref _clock, 60)} +0200";
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = WorkDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(_root, "home", ".gitconfig");
        psi.Environment["HOME"] = Path.Combine(_root, "home");
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_ASKPASS"] = "/bin/false";
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["GIT_AUTHOR_NAME"] = AuthorName;
        psi.Environment["GIT_AUTHOR_EMAIL"] = AuthorEmail;
        psi.Environment["GIT_AUTHOR_DATE"] = date;
        psi.Environment["GIT_COMMITTER_NAME"] = "Cid Committer";
        psi.Environment["GIT_COMMITTER_EMAIL"] = "cid@example.com";
        psi.Environment["GIT_COMMITTER_DATE"] = date;
        foreach (var name in new[] { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY" })
        {
            psi.Environment.Remove(name);
        }
        using var p = Process.Start(psi)!;
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
        }
        p.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args.Take(3))} failed ({p.ExitCode}): {stderr.GetAwaiter().GetResult()}");
        }
        return stdout.ToArray();
    }

    public GitWorkTree Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    public GitWorkTree Write(string path, byte[] content)
    {
        var full = Path.Combine(WorkDir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return this;
    }

    /// <summary>Stages everything and commits; returns the new commit's oid.</summary>
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
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
