using System.Threading.Channels;

namespace Anvil.Server.Email;

/// <summary>
/// Mail waiting to be sent. Requests only enqueue, so a slow or unreachable mail server never slows
/// them down; <see cref="EmailWorker"/> delivers. The queue is in-process: mail queued when the
/// process dies is lost, which costs a user one "send again", never a wrong state.
/// </summary>
public sealed class EmailQueue
{
    private readonly Channel<QueuedEmail> _channel = Channel.CreateUnbounded<QueuedEmail>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(EmailMessage message) => _channel.Writer.TryWrite(new QueuedEmail(message, Attempt: 1));

    internal void Requeue(QueuedEmail email) => _channel.Writer.TryWrite(email);

    internal ChannelReader<QueuedEmail> Reader => _channel.Reader;
}

internal sealed record QueuedEmail(EmailMessage Message, int Attempt);

/// <summary>Sends queued mail one at a time; a failed send is logged and retried after a growing delay, a few times.</summary>
public sealed class EmailWorker(EmailQueue queue, IEmailSender sender, ILogger<EmailWorker> log) : BackgroundService
{
    public const int MaxAttempts = 4;
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var email in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await sender.SendAsync(email.Message, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (email.Attempt >= MaxAttempts)
                    {
                        log.LogError(e, "email to {To} ({Subject}) failed {Attempts} times; dropped", email.Message.To, email.Message.Subject, email.Attempt);
                        continue;
                    }
                    var delay = FirstRetryDelay * Math.Pow(4, email.Attempt - 1);
                    log.LogWarning(e, "email to {To} ({Subject}) failed (attempt {Attempt}); retrying in {Delay}", email.Message.To, email.Message.Subject, email.Attempt, delay);
                    // Waits off the loop, so one failing mail does not hold up the others.
                    _ = RetryLaterAsync(email with { Attempt = email.Attempt + 1 }, delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RetryLaterAsync(QueuedEmail email, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            queue.Requeue(email);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

public static class EmailServices
{
    public static IServiceCollection AddEmail(this IServiceCollection services, EmailSettings settings)
    {
        if (settings.Smtp is { } smtp)
        {
            services.AddSingleton<IEmailSender>(sp => new SmtpEmailSender(smtp, sp.GetRequiredService<ILogger<SmtpEmailSender>>()));
        }
        else
        {
            services.AddSingleton<IEmailSender, LogEmailSender>();
        }
        services.AddSingleton<EmailQueue>();
        services.AddHostedService<EmailWorker>();
        return services;
    }
}
