using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server (<c>s3rver</c>, from npm) on a free loopback port, started once per test run
/// with one bucket, for the S3 storage tests. <c>./test.sh</c> installs it; where it is missing those tests fail
/// saying how to install it, never skipped.
/// </summary>
public static class S3Sandbox
{
    public const string Bucket = "anvil-test";
    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly int Port = FreePort();
    private static readonly Lazy<Task> Started = new(StartAsync);

    /// <summary>The s3rver executable on PATH, or null when it is not installed.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "s3rver")).FirstOrDefault(File.Exists);

    public static string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The environment that points an Anvil server at the sandbox bucket.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["STORAGE_TYPE"] = "s3",
        ["S3_ENDPOINT"] = Endpoint,
        ["S3_BUCKET_NAME"] = Bucket,
        ["S3_ACCESS_KEY_ID"] = AccessKey,
        ["S3_SECRET_ACCESS_KEY"] = SecretKey,
        ["S3_REGION"] = "us-east-1",
    };

    public static Task EnsureStartedAsync() => Started.Value;

    private static async Task StartAsync()
    {
        var executable = Executable ?? throw new InvalidOperationException(
            "the S3 tests need s3rver: npm install -g s3rver@3.7.1 (./test.sh does this)");
        var dir = Path.Combine(Path.GetTempPath(), "anvil-s3-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        // A watchdog shell owns s3rver and ends it (and its data) once this test process is gone: the test host is
        // not always given the chance to run exit handlers.
        const string watchdog = """
            "$@" & child=$!
            while kill -0 "$ANVIL_TEST_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
            kill "$child" 2>/dev/null; wait "$child"; rm -rf "$ANVIL_S3_DIR"
            """;
        var psi = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", watchdog, "s3-sandbox", executable, "--silent", "--directory", dir, "--address", "127.0.0.1",
                "--port", Port.ToString(), "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["ANVIL_TEST_PID"] = Environment.ProcessId.ToString(), ["ANVIL_S3_DIR"] = dir },
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start s3rver");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        SidecarProcesses.EndWithTestRun(process, dir);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                // Anonymous: s3rver answers 403 once it is listening, and that is all this waits for.
                await http.GetAsync(Endpoint + "/" + Bucket);
                return;
            }
            catch (HttpRequestException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

