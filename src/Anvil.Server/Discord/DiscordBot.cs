using System.Security.Cryptography;
using System.Text;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Discord;

/// <summary>Whether the current request comes from the Discord bot (or another integration holding <c>WEBHOOK_SECRET</c>).</summary>
public sealed class DiscordBot
{
    public bool IsBot { get; internal set; }

    public void RequireBot()
    {
        if (!IsBot)
        {
            throw AnvilException.Unauthorized("the integration secret is required");
        }
    }

    /// <summary>Constant-time comparison; hashing first makes the time independent of the lengths too.</summary>
    public static bool SecretMatches(string? presented, string? expected) =>
        !string.IsNullOrEmpty(presented) && !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

/// <summary>
/// Recognizes the bot's credential on the Discord and inbound-webhook routes: <c>X-Webhook-Secret</c>
/// or <c>Authorization: Bearer &lt;WEBHOOK_SECRET&gt;</c>. Runs before <see cref="AuthenticationMiddleware"/>,
/// which would otherwise take that bearer value for an (invalid) session token; a matching bearer
/// is consumed here.
/// </summary>
public sealed class DiscordBotMiddleware(RequestDelegate next, AnvilOptions options)
{
    public Task InvokeAsync(HttpContext ctx)
    {
        if (options.WebhookSecret is { } secret
            && (ctx.Request.Path.StartsWithSegments("/api/discord") || ctx.Request.Path.StartsWithSegments("/api/webhooks/discord")))
        {
            var bot = ctx.RequestServices.GetRequiredService<DiscordBot>();
            if (DiscordBot.SecretMatches(AuthenticationMiddleware.BearerCredential(ctx.Request), secret))
            {
                bot.IsBot = true;
                ctx.Request.Headers.Authorization = default;
            }
            else if (DiscordBot.SecretMatches(ctx.Request.Headers["X-Webhook-Secret"].ToString(), secret))
            {
                bot.IsBot = true;
            }
        }
        return next(ctx);
    }
}
