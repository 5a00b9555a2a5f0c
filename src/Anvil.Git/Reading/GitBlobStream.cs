using System.Diagnostics;

namespace Anvil.Git.Reading;

/// <summary>
/// A read-only stream over one blob's content with its size known up front. Small blobs are already in memory; large
/// ones are piped from a dedicated <c>git cat-file blob</c> process, which disposing the stream ends.
/// </summary>
public sealed class GitBlobStream : Stream
{
    private readonly Stream _inner;
    private readonly Process? _process;
    private long _position;

    private GitBlobStream(string oid, long size, Stream inner, Process? process)
    {
        Oid = oid;
        Size = size;
        _inner = inner;
        _process = process;
    }

    public string Oid { get; }
    public long Size { get; }

    internal static GitBlobStream FromMemory(string oid, byte[] data) => new(oid, data.Length, new MemoryStream(data, writable: false), null);

    internal static GitBlobStream FromProcess(string gitDir, string oid, long size)
    {
        var process = GitCli.Start(gitDir, ["cat-file", "blob", oid]);
        process.StandardInput.Close();
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        return new GitBlobStream(oid, size, process.StandardOutput.BaseStream, process);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => Size;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        return Advance(n, buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken);
        return Advance(n, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A stream that ends before the announced size means git died; a short download must not look complete.
    private int Advance(int n, int requested)
    {
        _position += n;
        if (n == 0 && requested > 0 && _position < Size)
        {
            throw new EndOfStreamException($"blob {Oid} ended after {_position} of {Size} bytes");
        }
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_process is not null)
            {
                GitCli.TryKill(_process);
                _process.Dispose();
            }
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
