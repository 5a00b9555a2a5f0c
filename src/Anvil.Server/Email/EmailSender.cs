using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Anvil.Server.Email;

public sealed record EmailMessage(string To, string Subject, string Body);

/// <summary>
/// Outgoing mail: <c>EMAIL_PROVIDER=smtp</c> with <c>SMTP_*</c>; anything else logs the message instead (the
/// default, so a fresh install works without a mail server).
/// </summary>
public sealed record EmailSettings(string? Provider, string? Host, int Port, string? User, string? Password, string From, SecureSocketOptions Security)
{
    public bool UsesSmtp => Provider == "smtp";

    public static EmailSettings FromConfiguration(IConfiguration config)
    {
        var provider = config["EMAIL_PROVIDER"]?.Trim().ToLowerInvariant() is { Length: > 0 } p ? p : null;
        if (provider is not null and not "smtp")
        {
            throw new InvalidOperationException($"EMAIL_PROVIDER must be 'smtp' (or unset to log mail), not '{provider}'");
        }
        var security = (config["SMTP_SECURE"]?.Trim().ToLowerInvariant() ?? "") switch
        {
            "" or "auto" => SecureSocketOptions.Auto,
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" or "ssl" => SecureSocketOptions.SslOnConnect,
            var other => throw new InvalidOperationException($"SMTP_SECURE must be none, starttls or tls, not '{other}'"),
        };
        var host = config["SMTP_HOST"]?.Trim();
        if (provider == "smtp" && string.IsNullOrEmpty(host))
        {
            throw new InvalidOperationException("EMAIL_PROVIDER=smtp needs SMTP_HOST");
        }
        return new EmailSettings(provider, host, int.TryParse(config["SMTP_PORT"], out var port) && port > 0 ? port : 587,
            config["SMTP_USER"] is { Length: > 0 } u ? u : null, config["SMTP_PASSWORD"] is { Length: > 0 } pw ? pw : null,
            config["SMTP_FROM"] is { Length: > 0 } from ? from : "Anvil <noreply@localhost>", security);
    }
}

/// <summary>
/// Mail waits here for the background sender, so no request waits on a mail server. In memory: a message lost to a
/// restart is one the user can ask for again (a new verification or reset link).
/// </summary>
public sealed class EmailQueue
{
    private readonly Channel<EmailMessage> _channel = Channel.CreateBounded<EmailMessage>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite, // a flood of requests must not grow memory without bound
    });

    public bool Enqueue(EmailMessage message) => _channel.Writer.TryWrite(message);

    public ChannelReader<EmailMessage> Reader => _channel.Reader;
}

public sealed class EmailWorker(EmailQueue queue, EmailSettings settings, ILogger<EmailWorker> log) : BackgroundService
{
    private const int Attempts = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    await SendAsync(message, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "sending mail to {To} failed (attempt {Attempt} of {Attempts})", message.To, attempt, Attempts);
                    if (attempt < Attempts)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt)), stoppingToken);
                    }
                }
            }
        }
    }

    private async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        if (!settings.UsesSmtp)
        {
            log.LogInformation("mail to {To}: {Subject}\n{Body}", message.To, message.Subject, message.Body);
            return;
        }
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(settings.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Body };
        using var client = new SmtpClient { Timeout = 15_000 };
        await client.ConnectAsync(settings.Host!, settings.Port, settings.Security, ct); // FromConfiguration requires a host for smtp
        if (settings.User is not null)
        {
            await client.AuthenticateAsync(settings.User, settings.Password ?? "", ct);
        }
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(true, ct);
    }
}
