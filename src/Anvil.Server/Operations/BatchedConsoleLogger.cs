using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Anvil.Server.Operations;

/// <summary>
/// Log entries on standard output, formatted by the console package's formatters (ours for text, its own for JSON) and
/// written by a thread of their own in batches. The console package's logger wakes its thread for every entry and
/// writes each through the console's 256-character buffer: at one line per request, about a fifth of what a cached
/// answer costs (a cached GET repo ~51–69 → ~39–47 µs of CPU with this writer). Here an entry is appended to a buffer;
/// the writer wakes for the first entry of a batch, lets others join it for <see cref="BatchWindow"/>, and writes them
/// in one call. A warning or worse is written at once.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>How long a batch waits for more entries: what an entry can lag behind its event.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    // Past this, a batch is written without waiting out the window.
    private const int LargestBatchChars = 64 * 1024;

    private readonly ConsoleFormatter _formatter;
    private readonly Stream _output;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private StringBuilder _pending = new();
    private StringBuilder _writing = new();
    private bool _urgent;
    private bool _stopping;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    [ThreadStatic]
    private static StringWriter? t_line;

    /// <summary>On standard output, with the formatter the console options name.</summary>
    public static BatchedConsoleLoggerProvider Create(IServiceProvider services)
    {
        var name = services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName ?? ConsoleFormatterNames.Simple;
        return new(services.GetServices<ConsoleFormatter>().First(f => f.Name == name), Console.OpenStandardOutput());
    }

    public BatchedConsoleLoggerProvider(ConsoleFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _output = output;
        _thread = new Thread(WriteBatches) { IsBackground = true, Name = "Anvil log writer" };
        _thread.Start();
        // A process that ends without disposing its host (an exit from a command) still writes what it logged.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    private void Append<TState>(in LogEntry<TState> entry)
    {
        var line = t_line ??= new StringWriter();
        var text = line.GetStringBuilder();
        // Emptied here rather than after use, so a formatter that threw leaves nothing behind for the next entry.
        text.Clear();
        if (text.Capacity > 4096)
        {
            text.Capacity = 4096;
        }
        _formatter.Write(in entry, _scopes, line);
        if (text.Length == 0)
        {
            return;
        }
        lock (_gate)
        {
            var first = _pending.Length == 0;
            _pending.Append(text);
            var urgent = entry.LogLevel >= LogLevel.Warning || _pending.Length >= LargestBatchChars;
            _urgent |= urgent;
            if (first || urgent)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private void WriteBatches()
    {
        var bytes = new byte[4096];
        while (true)
        {
            lock (_gate)
            {
                while (_pending.Length == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }
                if (!_urgent && !_stopping)
                {
                    Monitor.Wait(_gate, BatchWindow);
                }
                (_pending, _writing) = (_writing, _pending);
                _urgent = false;
                if (_writing.Length == 0 && _stopping)
                {
                    return;
                }
            }
            foreach (var chunk in _writing.GetChunks())
            {
                var needed = Encoding.UTF8.GetMaxByteCount(chunk.Length);
                if (bytes.Length < needed)
                {
                    bytes = new byte[needed];
                }
                var count = Encoding.UTF8.GetBytes(chunk.Span, bytes);
                try
                {
                    _output.Write(bytes, 0, count);
                }
                catch (IOException)
                {
                    // Standard output is gone (its reader exited): the entries have nowhere to go.
                }
            }
            _output.Flush();
            _writing.Clear();
            if (_writing.Capacity > LargestBatchChars * 2)
            {
                _writing.Capacity = LargestBatchChars;
            }
        }
    }

    /// <summary>Writes what is pending, then stops the writer (the host disposes providers as it shuts down).</summary>
    public void Dispose()
    {
        if (!_thread.IsAlive)
        {
            return;
        }
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private sealed class Logger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Append(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
            }
        }
    }
}
