using System.Diagnostics;
using System.Text;

namespace Anvil.Git.Reading;

/// <summary>Raised when a cat-file process answers something the protocol does not allow; the process is then discarded.</summary>
public sealed class GitProtocolException(string message) : IOException(message);

/// <summary>
/// One long-lived <c>git cat-file --batch-command</c> process. Not thread-safe: the pool lends it to one caller at a time.
/// --batch-command (git 2.36+) serves both "info" (the old --batch-check) and "contents" (the old --batch) from a single
/// process, so a repository needs one kind of process, not two.
/// </summary>
internal sealed class CatFileProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly GitOutputReader _stdout;
    private int _disposed;

    public string GitDir { get; }
    public int ProcessId { get; }
    public long IdleSinceTicks { get; set; }

    /// <summary>The pool's generation when this process started (see <see cref="CatFilePool.Forget"/>).</summary>
    public long Generation { get; set; }

    private CatFileProcess(string gitDir, Process process)
    {
        GitDir = gitDir;
        _process = process;
        ProcessId = process.Id;
        _stdin = process.StandardInput.BaseStream;
        _stdout = new GitOutputReader(process.StandardOutput.BaseStream);
        // Stderr must be drained or a chatty git blocks; its content is not needed because every failure also shows up
        // as a broken protocol on stdout.
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
    }

    public static CatFileProcess Start(string gitDir)
        => new(gitDir, GitCli.Start(gitDir, ["cat-file", "--batch-command"]));

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Sends several commands at once and reads their answers while writing, so a long batch cannot deadlock on full pipes.
    /// <paramref name="readAnswer"/> is called once per command, in order.
    /// </summary>
    public async Task<T[]> BatchAsync<T>(string command, IReadOnlyList<string> names, Func<CatFileProcess, ObjectHeader, Task<T>> readAnswer, CancellationToken ct)
    {
        var text = new StringBuilder();
        foreach (var name in names)
        {
            if (name.AsSpan().IndexOfAny('\n', '\0') >= 0)
            {
                throw new ArgumentException("object name contains a line break", nameof(names));
            }
            text.Append(command).Append(' ').Append(name).Append('\n');
        }
        var write = WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), ct);
        var results = new T[names.Count];
        try
        {
            for (var i = 0; i < names.Count; i++)
            {
                results[i] = await readAnswer(this, await ReadHeaderAsync(ct));
            }
        }
        finally
        {
            await write;
        }
        return results;
    }

    public async Task<ObjectHeader> InfoAsync(string name, CancellationToken ct)
        => (await BatchAsync("info", [name], static (_, h) => Task.FromResult(h), ct))[0];

    public async Task<(ObjectHeader Header, byte[]? Data)> ContentsAsync(string name, CancellationToken ct)
        => (await BatchAsync("contents", [name], static async (p, h) => (h, h.Found ? await p.ReadBodyAsync(h.Size, CancellationToken.None) : null), ct))[0];

    /// <summary>Reads the body that follows a "contents" header, including git's trailing newline.</summary>
    public async Task<byte[]> ReadBodyAsync(long size, CancellationToken ct)
    {
        if (size > Array.MaxLength - 1)
        {
            throw new GitProtocolException("object too large to buffer");
        }
        var data = new byte[size];
        await _stdout.ReadExactlyAsync(data, ct);
        await ExpectNewlineAsync(ct);
        return data;
    }

    private async Task ExpectNewlineAsync(CancellationToken ct)
    {
        var newline = new byte[1];
        await _stdout.ReadExactlyAsync(newline, ct);
        if (newline[0] != (byte)'\n')
        {
            throw new GitProtocolException("cat-file: missing newline after object");
        }
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        await _stdin.WriteAsync(bytes, ct);
        await _stdin.FlushAsync(ct);
    }

    private async Task<ObjectHeader> ReadHeaderAsync(CancellationToken ct)
    {
        var line = await _stdout.ReadRecordAsync((byte)'\n', ct, maxLength: 4096)
            ?? throw new GitProtocolException("cat-file exited");
        var text = Encoding.UTF8.GetString(line);
        var parts = text.Split(' ');
        if (parts.Length >= 2 && parts[^1] is "missing" or "ambiguous")
        {
            return new ObjectHeader(null, default, 0, parts[^1] == "ambiguous");
        }
        if (parts.Length != 3 || !GitInput.IsFullOid(parts[0]) || !long.TryParse(parts[2], out var size) || size < 0)
        {
            throw new GitProtocolException("cat-file: unexpected header: " + text);
        }
        var type = parts[1] switch
        {
            "blob" => GitObjectType.Blob,
            "tree" => GitObjectType.Tree,
            "commit" => GitObjectType.Commit,
            "tag" => GitObjectType.Tag,
            _ => throw new GitProtocolException("cat-file: unknown object type " + parts[1]),
        };
        return new ObjectHeader(parts[0], type, size, false);
    }

    /// <summary>Kills the process; safe to call from any thread, e.g. a cancellation callback.</summary>
    public void Kill() => GitCli.TryKill(_process);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            // Closing stdin makes cat-file exit on its own; kill covers a process stuck mid-answer.
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (!_process.WaitForExit(100))
        {
            Kill();
        }
        _process.Dispose();
    }
}

/// <summary>One cat-file answer header. <see cref="Oid"/> is null when the object is missing or the name ambiguous.</summary>
internal readonly record struct ObjectHeader(string? Oid, GitObjectType Type, long Size, bool Ambiguous)
{
    public bool Found => Oid is not null;
}
