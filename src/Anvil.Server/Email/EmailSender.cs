using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Anvil.Server.Email;

/// <summary>One plain-text mail to one recipient.</summary>
public sealed record EmailMessage(string To, string Subject, string Body);

/// <summary>Delivers a mail now; callers queue through <see cref="EmailQueue"/> instead of calling this on a request.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>
/// The default when no provider is configured: the mail goes to the log, body included, since on an
/// installation without mail the log is the only place an operator can find a verification or reset link.
/// </summary>
public sealed class LogEmailSender(ILogger<LogEmailSender> log) : IEmailSender
{
    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        log.LogInformation("email (not sent, EMAIL_PROVIDER unset) to {To}: {Subject}\n{Body}", message.To, message.Subject, message.Body);
        return Task.CompletedTask;
    }
}

public sealed class SmtpEmailSender(SmtpSettings settings, ILogger<SmtpEmailSender> log) : IEmailSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(settings.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Body };

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        var options = settings.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(settings.Host, settings.Port, options, ct);
        if (settings.User is not null)
        {
            await client.AuthenticateAsync(settings.User, settings.Password ?? "", ct);
        }
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(quit: true, ct);
        log.LogInformation("email sent to {To}: {Subject}", message.To, message.Subject);
    }
}
