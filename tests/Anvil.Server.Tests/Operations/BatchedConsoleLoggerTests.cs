using Anvil.Server.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Anvil.Server.Tests.Operations;

/// <summary>The log writer batches entries: none is lost, torn or reordered, and a lone entry is not left waiting.</summary>
public sealed class BatchedConsoleLoggerTests
{
    [Fact]
    public async Task Entries_from_many_threads_are_written_whole_and_each_thread_s_in_order()
    {
        var output = new Capture();
        var provider = new BatchedConsoleLoggerProvider(new MessageLines(), output);
        var log = provider.CreateLogger("test");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                log.LogInformation("thread {Thread} entry {Entry} {Padding}", t, i, new string('x', i % 300));
            }
        })));
        provider.Dispose();

        var lines = output.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20_000, lines.Length);
        for (var t = 0; t < 4; t++)
        {
            var mine = lines.Where(l => l.StartsWith($"thread {t} ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"thread {t} entry {i} {new string('x', i % 300)}"), mine);
        }
    }

    [Fact]
    public async Task A_lone_entry_is_written_without_waiting_for_more_or_for_the_end()
    {
        var output = new Capture();
        using var provider = new BatchedConsoleLoggerProvider(new MessageLines(), output);
        var log = provider.CreateLogger("test");
        foreach (var (level, text) in new[] { (LogLevel.Information, "an entry alone"), (LogLevel.Warning, "a warning alone") })
        {
            log.Log(level, "{Text}", text);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!output.Text().Contains(text + "\n", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, $"\"{text}\" was not written; written so far: {output.Text()}");
                await Task.Delay(10);
            }
        }
    }

    /// <summary>Each entry's message on a line of its own.</summary>
    private sealed class MessageLines() : ConsoleFormatter("lines")
    {
        public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter writer) =>
            writer.Write(entry.Formatter(entry.State, entry.Exception) + "\n");
    }

    /// <summary>What was written, readable while the writer writes.</summary>
    private sealed class Capture : Stream
    {
        private readonly MemoryStream _bytes = new();

        public string Text()
        {
            lock (_bytes)
            {
                return System.Text.Encoding.UTF8.GetString(_bytes.ToArray());
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_bytes)
            {
                _bytes.Write(buffer, offset, count);
            }
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
