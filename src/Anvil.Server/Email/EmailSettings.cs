namespace Anvil.Server.Email;

public enum SmtpSecurity
{
    /// <summary>Plain SMTP, for a relay on the same host or network.</summary>
    None,
    /// <summary>Plain connection upgraded with STARTTLS (usually port 587); refused if the server cannot.</summary>
    StartTls,
    /// <summary>TLS from the first byte (usually port 465).</summary>
    Tls,
}

/// <summary>Where outgoing mail goes when <c>EMAIL_PROVIDER=smtp</c>.</summary>
public sealed record SmtpSettings(string Host, int Port, string? User, string? Password, string From, SmtpSecurity Security);

/// <summary>Outgoing mail: <see cref="Smtp"/> null means mail is only written to the log.</summary>
public sealed record EmailSettings(SmtpSettings? Smtp)
{
    public static readonly EmailSettings LogOnly = new((SmtpSettings?)null);

    public static EmailSettings FromConfiguration(IConfiguration config)
    {
        var provider = (config["EMAIL_PROVIDER"] ?? "").Trim().ToLowerInvariant();
        switch (provider)
        {
            case "" or "log":
                return LogOnly;
            case "smtp":
                var host = NonEmpty(config["SMTP_HOST"]) ?? throw new InvalidOperationException("EMAIL_PROVIDER=smtp needs SMTP_HOST");
                var from = NonEmpty(config["SMTP_FROM"]) ?? throw new InvalidOperationException("EMAIL_PROVIDER=smtp needs SMTP_FROM");
                if (!IsMailAddress(from))
                {
                    throw new InvalidOperationException($"SMTP_FROM is not a mail address: '{from}'");
                }
                var security = (NonEmpty(config["SMTP_SECURE"]) ?? "starttls").ToLowerInvariant() switch
                {
                    "none" or "false" => SmtpSecurity.None,
                    "starttls" => SmtpSecurity.StartTls,
                    "tls" or "ssl" or "true" => SmtpSecurity.Tls,
                    var other => throw new InvalidOperationException($"SMTP_SECURE must be 'none', 'starttls' or 'tls', not '{other}'"),
                };
                var port = NonEmpty(config["SMTP_PORT"]) is { } p
                    ? int.TryParse(p, out var n) && n is > 0 and < 65536 ? n : throw new InvalidOperationException($"SMTP_PORT is not a port: '{p}'")
                    : security == SmtpSecurity.Tls ? 465 : 587;
                return new EmailSettings(new SmtpSettings(host, port, NonEmpty(config["SMTP_USER"]), config["SMTP_PASSWORD"], from, security));
            case "resend":
                // Refused at start-up rather than silently logging: an operator who asked for resend expects mail to leave.
                throw new InvalidOperationException("EMAIL_PROVIDER=resend is not supported by Anvil; use EMAIL_PROVIDER=smtp (Resend offers SMTP at smtp.resend.com)");
            default:
                throw new InvalidOperationException($"EMAIL_PROVIDER must be 'smtp' or unset, not '{provider}'");
        }
    }

    // Apart so that a server without SMTP never loads MimeKit: the JIT loads the assemblies of every type a method names.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsMailAddress(string address) => MimeKit.MailboxAddress.TryParse(address, out _);

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
