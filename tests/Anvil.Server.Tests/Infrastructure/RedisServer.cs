using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// A real, throwaway <c>redis-server</c> on a free loopback port, without persistence.
/// <see cref="StopAsync"/> kills it and <see cref="StartAsync"/> brings it back on the same
/// port (empty), to simulate an outage.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly int _port = FreePort();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "anvil-redis-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    public string Url => $"redis://127.0.0.1:{_port}";

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_dir);
        var psi = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", _port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-server");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("the Redis tests need redis-server: apt-get install redis-server (./test.sh does this)");
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start on port {_port}");
            }
            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { } p)
        {
            _process = null;
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            await p.WaitForExitAsync();
            p.Dispose();
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Empties the server, so tests sharing it do not share counters.</summary>
    public async Task FlushAsync()
    {
        if (await CommandAsync("FLUSHALL") != "+OK")
        {
            throw new InvalidOperationException("FLUSHALL failed");
        }
    }

    /// <summary>Drops every client's subscription connection, as a network blip would; the clients reconnect.</summary>
    public async Task KillSubscribersAsync()
    {
        var reply = await CommandAsync("CLIENT KILL TYPE pubsub");
        if (reply is null || !reply.StartsWith(':'))
        {
            throw new InvalidOperationException($"CLIENT KILL failed: {reply}");
        }
    }

    private async Task<bool> AnswersPingAsync() => await CommandAsync("PING") == "+PONG";

    /// <summary>Sends an inline command and returns the first line of the reply; null when Redis is not there.</summary>
    private async Task<string?> CommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _port);
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(command + "\r\n"));
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).Split("\r\n")[0];
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
