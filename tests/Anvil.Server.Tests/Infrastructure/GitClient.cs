using System.Diagnostics;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>What one git invocation did.</summary>
public sealed record GitRun(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    public bool Success => ExitCode == 0;

    public override string ToString() => $"git {string.Join(' ', Args)} → {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// The real git CLI as a user runs it, in a temp directory that is also its HOME: no system or
/// user config leaks in, no prompts, no credential helpers, a fixed identity. Disposing removes
/// the directory.
/// </summary>
public sealed class GitClient : IDisposable
{
    /// <summary>A safety net so a hung git process fails the test instead of the whole run; never an assertion.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(3);

    public GitClient()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "anvil-git-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        File.WriteAllText(System.IO.Path.Combine(Root, ".gitconfig"),
            """
            [user]
            	name = Anvil Test
            	email = test@anvil.local
            [init]
            	defaultBranch = main
            [advice]
            	detachedHead = false
            [credential]
            	helper =
            """);
    }

    /// <summary>The temp directory (and HOME).</summary>
    public string Root { get; }

    /// <summary>A path inside <see cref="Root"/>.</summary>
    public string Path(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>The smart HTTP URL of a repository, optionally with Basic credentials in it.</summary>
    public static string Url(AnvilServer server, string owner, string repo, string? user = null, string? secret = null)
    {
        var credentials = user is null ? "" : $"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(secret ?? "")}@";
        return $"http://{credentials}{server.BaseUri.Authority}/{owner}/{repo}.git";
    }

    /// <summary>Runs git with <paramref name="args"/> in <paramref name="workDir"/> (null: <see cref="Root"/>).</summary>
    public async Task<GitRun> RunAsync(string? workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = workDir ?? Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Nothing of the developer's or CI's git set-up may change what the test sees.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }
        psi.Environment["HOME"] = Root;
        psi.Environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(Root, ".config");
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_ASKPASS"] = "/bin/false";
        psi.Environment.Remove("SSH_ASKPASS");
        psi.Environment["LC_ALL"] = "C";

        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(HangLimit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"git {string.Join(' ', args)} hung; killed");
        }
        return new GitRun(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs git and fails the test unless it succeeds; returns trimmed stdout.</summary>
    public async Task<string> OkAsync(string? workDir, params string[] args)
    {
        var run = await RunAsync(workDir, args);
        Assert.True(run.Success, run.ToString());
        return run.Stdout.Trim();
    }

    /// <summary>Runs git and fails the test if it succeeds; returns the run to inspect stderr.</summary>
    public async Task<GitRun> FailsAsync(string? workDir, params string[] args)
    {
        var run = await RunAsync(workDir, args);
        Assert.False(run.Success, "expected failure: " + run);
        return run;
    }

    /// <summary>Writes a file in <paramref name="workTree"/>, commits it, and returns the new commit id.</summary>
    public async Task<string> CommitFileAsync(string workTree, string path, string content, string message)
    {
        var full = System.IO.Path.Combine(workTree, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, content);
        await OkAsync(workTree, "add", "--", path);
        await OkAsync(workTree, "commit", "-q", "-m", message);
        return await OkAsync(workTree, "rev-parse", "HEAD");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
