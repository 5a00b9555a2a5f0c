using System.Diagnostics;
using System.Text;

namespace Anvil.Git;

/// <summary>The outcome of one finished git invocation.</summary>
public sealed record GitResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public bool Success => ExitCode == 0;
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>Raised when git exits non-zero where the caller expected success.</summary>
public sealed class GitCommandException(string message, int exitCode, string stderr) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
    public string Stderr { get; } = stderr;
}

/// <summary>
/// Starts the git CLI. Every git process Anvil runs goes through here so that the environment is
/// the same everywhere: no user or system config leaking in, no prompts, no pager, C locale.
/// </summary>
public static class GitCli
{
    public static string GitExecutable { get; set; } = "git";

    public static ProcessStartInfo CreateStartInfo(string? gitDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(GitExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (gitDir is not null)
        {
            psi.ArgumentList.Add("--git-dir=" + gitDir);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Isolate from whatever the host's git config says (hooks paths, credential helpers, aliases).
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["HOME"] = Path.GetTempPath();
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_PAGER"] = "cat";
        psi.Environment["LC_ALL"] = "C";
        psi.Environment.Remove("GIT_DIR");
        psi.Environment.Remove("GIT_WORK_TREE");
        psi.Environment.Remove("GIT_INDEX_FILE");
        psi.Environment.Remove("GIT_OBJECT_DIRECTORY");
        psi.Environment.Remove("GIT_ALTERNATE_OBJECT_DIRECTORIES");
        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }
        return psi;
    }

    public static Process Start(string? gitDir, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
        => Process.Start(CreateStartInfo(gitDir, args, env)) ?? throw new InvalidOperationException("could not start git");

    /// <summary>Runs git to completion, buffering its output. For small outputs only.</summary>
    public static async Task<GitResult> RunAsync(string? gitDir, IEnumerable<string> args, byte[]? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        using var p = Start(gitDir, args, env);
        var stdoutTask = ReadAllAsync(p.StandardOutput.BaseStream, ct);
        var stderrTask = p.StandardError.ReadToEndAsync(ct);
        try
        {
            if (stdin is not null)
            {
                await p.StandardInput.BaseStream.WriteAsync(stdin, ct);
            }
        }
        catch (IOException)
        {
            // git may exit before reading all of stdin (e.g. a bad argument); its exit code tells why.
        }
        finally
        {
            p.StandardInput.Close();
        }
        try
        {
            var stdout = await stdoutTask;
            var stderr = await stderrTask;
            await p.WaitForExitAsync(ct);
            return new GitResult(p.ExitCode, stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            TryKill(p);
            throw;
        }
    }

    /// <summary>Runs git and throws <see cref="GitCommandException"/> unless it exits 0.</summary>
    public static async Task<GitResult> RunCheckedAsync(string? gitDir, IEnumerable<string> args, byte[]? stdin = null,
        IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        var list = args as IReadOnlyList<string> ?? args.ToList();
        var r = await RunAsync(gitDir, list, stdin, env, ct);
        if (!r.Success)
        {
            throw new GitCommandException($"git {string.Join(' ', list.Take(3))} failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr);
        }
        return r;
    }

    public static void TryKill(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream s, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, ct);
        return ms.ToArray();
    }
}
