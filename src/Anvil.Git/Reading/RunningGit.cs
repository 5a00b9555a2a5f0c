using System.Diagnostics;

namespace Anvil.Git.Reading;

/// <summary>
/// A git command whose output is consumed as it streams, so readers can stop early (enough history, diff limits hit)
/// without buffering everything. Disposing kills the process if it is still running.
/// </summary>
internal sealed class RunningGit : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly IReadOnlyList<string> _args;

    private RunningGit(Process process, IReadOnlyList<string> args)
    {
        _process = process;
        _args = args;
        _process.StandardInput.Close();
        _stderr = process.StandardError.ReadToEndAsync();
        Output = new GitOutputReader(process.StandardOutput.BaseStream);
    }

    public GitOutputReader Output { get; }

    /// <summary>git's stdout itself, for output copied through whole (an archive); use either this or <see cref="Output"/>.</summary>
    public Stream RawOutput => _process.StandardOutput.BaseStream;

    public static RunningGit Start(string gitDir, IReadOnlyList<string> args) => new(GitCli.Start(gitDir, args), args);

    /// <summary>Call after reading all output; throws if git failed.</summary>
    public async Task EnsureSuccessAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        var stderr = await _stderr;
        if (_process.ExitCode != 0)
        {
            throw new GitCommandException($"git {string.Join(' ', _args.Take(3))} failed ({_process.ExitCode}): {stderr.Trim()}", _process.ExitCode, stderr);
        }
    }

    public async ValueTask DisposeAsync()
    {
        GitCli.TryKill(_process);
        try
        {
            await _stderr;
        }
        catch (IOException)
        {
        }
        _process.Dispose();
    }
}
