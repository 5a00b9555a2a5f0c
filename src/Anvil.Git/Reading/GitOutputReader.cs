namespace Anvil.Git.Reading;

/// <summary>
/// Buffered reading of git's output as delimiter-terminated records (lines, NUL-separated fields) and
/// exact-length payloads, without decoding: git output is bytes, and paths need not be UTF-8.
/// </summary>
internal sealed class GitOutputReader(Stream stream, int bufferSize = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Total bytes handed out so far, delimiters included.</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>
    /// Reads up to and including the next <paramref name="delimiter"/> and returns the bytes before it, keeping at most
    /// <paramref name="maxKeep"/> of them (the rest is skipped and reported via <c>Overlong</c>). Null at end of output;
    /// a final record without a delimiter is still returned.
    /// </summary>
    public async ValueTask<(byte[] Data, bool Overlong)?> ReadRecordAsync(byte delimiter, int maxKeep, CancellationToken ct)
    {
        using var kept = new MemoryStream();
        var overlong = false;
        var any = false;
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                return any ? (kept.ToArray(), overlong) : null;
            }
            any = true;
            var span = _buffer.AsSpan(_start, _end - _start);
            var idx = span.IndexOf(delimiter);
            var take = idx >= 0 ? idx : span.Length;
            var room = maxKeep - (int)kept.Length;
            if (take > room)
            {
                overlong = true;
            }
            kept.Write(span[..Math.Min(take, room)]);
            var consumed = idx >= 0 ? idx + 1 : take;
            _start += consumed;
            BytesConsumed += consumed;
            if (idx >= 0)
            {
                return (kept.ToArray(), overlong);
            }
        }
    }

    public async ValueTask<byte[]?> ReadRecordAsync(byte delimiter, CancellationToken ct, int maxLength = 1 << 20)
    {
        var record = await ReadRecordAsync(delimiter, maxLength, ct);
        if (record is { Overlong: true })
        {
            throw new InvalidDataException("git output record exceeds the expected length");
        }
        return record?.Data;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (destination.Length > 0)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                throw new EndOfStreamException("git output ended early");
            }
            var n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            destination = destination[n..];
            _start += n;
            BytesConsumed += n;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_eof)
        {
            return false;
        }
        _start = 0;
        _end = await stream.ReadAsync(_buffer, ct);
        if (_end == 0)
        {
            _eof = true;
            return false;
        }
        return true;
    }
}
