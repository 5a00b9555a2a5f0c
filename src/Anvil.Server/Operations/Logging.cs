using System.Diagnostics;
using System.Text;
using Anvil.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Anvil.Server.Operations;

/// <summary>
/// Logs a person at a terminal can read and a collector can parse: text lines on a terminal, JSON lines otherwise
/// (or as <c>ANVIL_LOG_FORMAT</c> says), one line per request, and a start-up summary.
/// </summary>
public static partial class Logging
{
    public const string TextFormatterName = "anvil-text";

    public static void AddAnvilLogging(this WebApplicationBuilder builder)
    {
        var format = builder.Configuration["ANVIL_LOG_FORMAT"]?.Trim().ToLowerInvariant();
        var text = format switch
        {
            "text" => true,
            "json" => false,
            _ => !Console.IsOutputRedirected,
        };
        builder.Logging.ClearProviders();
        if (text)
        {
            builder.Logging.AddConsole(o => o.FormatterName = TextFormatterName);
            builder.Logging.AddConsoleFormatter<TextLineFormatter, ConsoleFormatterOptions>(o => o.IncludeScopes = true);
        }
        else
        {
            // Scopes carry the request id the conventions middleware opened, so every entry of a request has it.
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.UseUtcTimestamp = true;
            });
        }
        // The console package's formatters and options, written by a logger of ours (see BatchedConsoleLoggerProvider).
        builder.Services.Remove(builder.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)));
        builder.Services.AddSingleton<ILoggerProvider>(BatchedConsoleLoggerProvider.Create);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning); // the start-up summary says it
        // A request's entries share the request id scope (ConventionsMiddleware). The host's own scopes (trace and span
        // ids, connection id, request path) doubled every JSON line and cost an Activity per request: about a third
        // of what a cached answer costs. Neither category logs anything above Debug that Anvil's own lines do not say.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.None);
    }

    /// <summary>What an operator needs once the server listens: where, with what, and how to begin.</summary>
    public static async Task LogStartupAsync(WebApplication app, CancellationToken ct)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Anvil.Startup");
        var options = app.Services.GetRequiredService<Infrastructure.AnvilOptions>();
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        var smtp = Email.EmailSettings.FromConfiguration(app.Configuration).Smtp;
        var mail = smtp is null ? "not configured (mails are only logged, links included)" : $"over SMTP via {smtp.Host}:{smtp.Port}";
        log.LogInformation("Anvil {Version} ({Commit}) listening on {Urls}", Meta.BuildInfo.Version, Meta.BuildInfo.Commit,
            string.Join(", ", addresses));
        log.LogInformation("data directory {DataDir}; database {Database}; mail {Mail}", options.DataDir,
            DescribeDatabase(options), mail);
        if (options.PublicUrl is { } publicUrl)
        {
            log.LogInformation("public URL {PublicUrl}", publicUrl);
        }
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Infrastructure.Data.AnvilDbContext>();
        if (!await db.Users.AnyAsync(ct))
        {
            log.LogInformation("no accounts yet: create the first administrator with " +
                "`dotnet run --project src/Anvil.Server -- admin create-user --username NAME --email ADDRESS --password PASSWORD --admin`");
        }
    }

    /// <summary>The database, named without its credentials (parsed as the server itself reads DATABASE_URL).</summary>
    private static string DescribeDatabase(Infrastructure.AnvilOptions options)
    {
        if (!options.UsePostgres)
        {
            return "SQLite " + options.SqlitePath;
        }
        return DescribePostgres(options.DatabaseUrl!);
    }

    // Apart so that a SQLite server never loads Npgsql: the JIT loads the assemblies of every type a method names.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string DescribePostgres(string databaseUrl)
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(Infrastructure.Data.DatabaseSetup.PostgresConnectionString(databaseUrl));
        return $"PostgreSQL {cs.Host}:{cs.Port}/{cs.Database}";
    }

    /// <summary>
    /// One line per request at Information: method, path (never the query, which may hold a token), status, duration,
    /// user and request id. Health checks and scrapes, which arrive every few seconds, log at Debug.
    /// </summary>
    public sealed partial class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
    {
        private readonly ILogger _log = loggers.CreateLogger("Anvil.Requests");

        public async Task InvokeAsync(HttpContext ctx)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(ctx);
            }
            finally
            {
                var path = ctx.Request.Path.Value ?? "/";
                var level = path is "/health" or "/metrics" ? LogLevel.Debug : LogLevel.Information;
                if (_log.IsEnabled(level))
                {
                    var user = ctx.RequestServices?.GetService<Caller>()?.User?.Username ?? "-";
                    LogRequest(_log, level, ctx.Request.Method, path, ctx.Response.StatusCode,
                        Stopwatch.GetElapsedTime(started).TotalMilliseconds, user, ctx.TraceIdentifier);
                }
            }
        }

        // Generated: no boxing, no parse of the template per entry (every request writes one).
        [LoggerMessage(EventId = 0, Message = "{Method} {Path} {Status} {DurationMs:F1}ms user={User} request_id={RequestId}")]
        private static partial void LogRequest(ILogger log, LogLevel level, string method, string path, int status,
            double durationMs, string user, string requestId);
    }

    /// <summary>
    /// <c>2026-12-01T08:00:00.000Z info  Anvil.Requests: GET / 200 1.2ms user=- request_id=…</c>: one line per entry,
    /// the request id when inside a request, an exception's text indented below.
    /// </summary>
    private sealed class TextLineFormatter(IOptionsMonitor<ConsoleFormatterOptions> options) : ConsoleFormatter(TextFormatterName)
    {
        public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, TextWriter writer)
        {
            var message = entry.Formatter(entry.State, entry.Exception);
            if (string.IsNullOrEmpty(message) && entry.Exception is null)
            {
                return;
            }
            var line = new StringBuilder(128);
            line.Append(DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'")).Append(' ');
            line.Append(entry.LogLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                LogLevel.Critical => "crit",
                _ => "    ",
            }).Append("  ").Append(entry.Category).Append(": ").Append(message);
            // Of the scopes only the request id: the host's own (trace, span, connection ids) would bury the message.
            if (options.CurrentValue.IncludeScopes && scopes is not null && !message.Contains("request_id=", StringComparison.Ordinal))
            {
                scopes.ForEachScope((scope, sb) =>
                {
                    if (scope is RequestIdScope requestId)
                    {
                        sb.Append(" request_id=").Append(requestId.RequestId);
                    }
                }, line);
            }
            writer.WriteLine(line.ToString());
            if (entry.Exception is not null)
            {
                foreach (var exceptionLine in entry.Exception.ToString().Split('\n'))
                {
                    writer.Write("    ");
                    writer.WriteLine(exceptionLine.TrimEnd('\r'));
                }
            }
        }
    }
}

/// <summary>The request-id scope: a key/value pair to structured loggers, and readable text to everyone else.</summary>
public sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string RequestId => requestId;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

    public int Count => 1;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "RequestId=" + requestId;
}
