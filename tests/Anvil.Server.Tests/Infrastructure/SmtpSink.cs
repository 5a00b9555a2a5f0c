using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd (<c>python3-aiosmtpd</c>) delivering into a maildir the
/// tests read. Debian's own python is used on purpose: a python on PATH (pyenv, venv) may not have the module.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    public int Port { get; }
    public string MailDir { get; }

    public SmtpSink()
    {
        MailDir = Path.Combine(Path.GetTempPath(), "anvil-smtp-" + Guid.NewGuid().ToString("N")[..8]);
        Port = FreePort();
        var probe = Process.Start(new ProcessStartInfo(Python, "-c \"import aiosmtpd\"") { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"cannot run {Python}");
        probe.WaitForExit();
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException("the SMTP sink needs Debian's python3-aiosmtpd: apt-get install -y python3-aiosmtpd");
        }
        _process = Process.Start(new ProcessStartInfo(Python,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", MailDir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>What a server needs to send here.</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        settings["EMAIL_PROVIDER"] = "smtp";
        settings["SMTP_HOST"] = "127.0.0.1";
        settings["SMTP_PORT"] = Port.ToString();
        settings["SMTP_SECURE"] = "none";
        settings["SMTP_FROM"] = "Anvil <anvil@example.com>";
    }

    public IReadOnlyList<MimeMessage> MailTo(string address)
    {
        var inbox = Path.Combine(MailDir, "new");
        if (!Directory.Exists(inbox))
        {
            return [];
        }
        return Directory.GetFiles(inbox).Select(f => MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>Waits (polling, no timing asserted) until <paramref name="count"/> mails for the address arrived.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMailAsync(string address, int count = 1)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var mail = MailTo(address);
            if (mail.Count >= count)
            {
                return mail;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no mail for {address} arrived");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(MailDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
