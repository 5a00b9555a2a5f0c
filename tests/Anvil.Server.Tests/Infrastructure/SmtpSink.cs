using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>One mail as the SMTP sink received it.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, string? AuthenticatedAs, string Raw)
{
    /// <summary>The text of the message with quoted-printable soft line breaks undone, for finding links in it.</summary>
    public string Text => Raw.Replace("=\r\n", "").Replace("=\n", "").Replace("=3D", "=");
}

/// <summary>
/// A real SMTP server on a free loopback port (Python's <c>aiosmtpd</c>, Debian package
/// <c>python3-aiosmtpd</c>), started once per test run. Every message it accepts is written to a
/// directory, one file each, which the tests read. <c>.ci/run</c> installs it; where it is missing the
/// mail tests fail and say so.
/// </summary>
public static class SmtpSink
{
    public const string User = "anvil-mailer";
    public const string Password = "sink-password";
    public const string From = "Anvil <noreply@anvil.test>";

    private static readonly int Port = FreePort();
    private static readonly string MailDir = Path.Combine(Path.GetTempPath(), "anvil-smtp-" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly Lazy<Task> Started = new(StartAsync);

    /// <summary>The environment that points an Anvil server at the sink.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["EMAIL_PROVIDER"] = "smtp",
        ["SMTP_HOST"] = "127.0.0.1",
        ["SMTP_PORT"] = Port.ToString(),
        ["SMTP_SECURE"] = "none",
        ["SMTP_USER"] = User,
        ["SMTP_PASSWORD"] = Password,
        ["SMTP_FROM"] = From,
    };

    public static Task EnsureStartedAsync() => Started.Value;

    /// <summary>Mail delivered so far whose envelope recipients include <paramref name="to"/>, oldest first.</summary>
    public static List<ReceivedMail> MailTo(string to) =>
        Directory.EnumerateFiles(MailDir, "*.eml")
            .OrderBy(f => f, StringComparer.Ordinal) // names start with a receive counter
            .Select(Parse)
            .Where(m => m.EnvelopeTo.Contains(to, StringComparer.OrdinalIgnoreCase))
            .ToList();

    /// <summary>Waits until <paramref name="count"/> mails to <paramref name="to"/> have arrived; the server sends in the background.</summary>
    public static async Task<List<ReceivedMail>> WaitForMailAsync(string to, int count = 1)
    {
        await EnsureStartedAsync();
        // A generous bound for a loaded machine: it only decides when a missing mail is reported, never a pass.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var mail = MailTo(to);
            if (mail.Count >= count)
            {
                return mail;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"expected {count} mail(s) to {to}, the SMTP sink received {mail.Count}");
            }
            await Task.Delay(50);
        }
    }

    private static ReceivedMail Parse(string file)
    {
        var text = File.ReadAllText(file, Encoding.UTF8);
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var lines = text[..headerEnd].Split('\n');
        string Field(string name) => lines.First(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
        var auth = Field("X-Sink-Auth");
        return new ReceivedMail(Field("X-Sink-From"), Field("X-Sink-To").Split(','), auth.Length == 0 ? null : auth, text[(headerEnd + 2)..]);
    }

    // Writes each message to <dir>/<counter>-<uuid>.eml (via a temporary name, so readers never see half a file),
    // after a few lines of envelope. Accepts AUTH from the one known login only, so a test can see the server used it.
    // Exits once the test process is gone: the test host is not always given the chance to run exit handlers.
    private const string Script = """
        import asyncio, itertools, os, sys, threading, time, uuid
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        port, mail_dir, test_pid, user, password = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        counter = itertools.count(1)
        lock = threading.Lock()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = getattr(auth_data, "login", None) == user.encode() and getattr(auth_data, "password", None) == password.encode()
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                with lock:
                    n = next(counter)
                name = "%08d-%s" % (n, uuid.uuid4().hex)
                login = session.auth_data.login.decode() if session.authenticated and session.auth_data else ""
                head = "X-Sink-From: %s\nX-Sink-To: %s\nX-Sink-Auth: %s\n\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos), login)
                tmp = os.path.join(mail_dir, name + ".tmp")
                with open(tmp, "wb") as f:
                    f.write(head.encode())
                    f.write(envelope.original_content or envelope.content)
                os.rename(tmp, os.path.join(mail_dir, name + ".eml"))
                return "250 OK"

        controller = Controller(Sink(), hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
        controller.start()
        print("READY", flush=True)
        try:
            while True:
                os.kill(test_pid, 0)
                time.sleep(1)
        except OSError:
            pass
        finally:
            controller.stop()
            import shutil
            shutil.rmtree(mail_dir, ignore_errors=True)
        """;

    private static async Task StartAsync()
    {
        // Debian's interpreter, where python3-aiosmtpd installs: a python3 earlier on PATH (pyenv, venv) may not have it.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        if (!await CanImportAsync(python))
        {
            throw new InvalidOperationException(
                $"the SMTP sink needs aiosmtpd for {python}: apt-get install python3-aiosmtpd (.ci/run does this)");
        }
        Directory.CreateDirectory(MailDir);
        var psi = new ProcessStartInfo(python)
        {
            ArgumentList = { "-c", Script, Port.ToString(), MailDir, Environment.ProcessId.ToString(), User, Password },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the SMTP sink");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        SidecarProcesses.EndWithTestRun(process, MailDir);
        var ready = await process.StandardOutput.ReadLineAsync();
        if (ready != "READY")
        {
            await process.WaitForExitAsync();
            lock (stderr)
            {
                throw new InvalidOperationException($"the SMTP sink did not start: {stderr}");
            }
        }
        _ = process.StandardOutput.ReadToEndAsync(); // drained so the pipe never fills
    }

    private static async Task<bool> CanImportAsync(string python)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(python) { ArgumentList = { "-c", "import aiosmtpd" }, RedirectStandardError = true, UseShellExecute = false })!;
            await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
