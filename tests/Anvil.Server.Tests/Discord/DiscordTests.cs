using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Admin;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.Discord;

public abstract class DiscordTests(WebhookServer server)
{
    private static string NewDiscordId() => Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999).ToString();

    private HttpClient Bot(bool viaHeader = false)
    {
        if (viaHeader)
        {
            var c = server.Anonymous();
            c.DefaultRequestHeaders.Add("X-Webhook-Secret", WebhookServer.BotSecret);
            return c;
        }
        return server.WithBearer(WebhookServer.BotSecret);
    }

    /// <summary>The bot asks for a link token for the Discord user it speaks for (optionally naming the account's email).</summary>
    private async Task<string> GenerateAsync(string discordId, string? sigmagitEmail = null)
    {
        using var bot = Bot();
        var body = await (await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId, sigmagitEmail })).JsonAsync();
        Assert.True(body["success"]!.GetValue<bool>());
        return body.Str("token");
    }

    private static async Task<HttpResponseMessage> VerifyAsync(TestUser user, string token, long? sigmagitUserId = null)
    {
        using var c = user.Client();
        return await c.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = (sigmagitUserId ?? user.Id).ToString() });
    }

    private async Task<JsonNode> StatusAsync(string discordId)
    {
        using var bot = Bot();
        return await (await bot.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync();
    }

    private async Task LinkAsync(TestUser user, string discordId)
    {
        var token = await GenerateAsync(discordId, $"{user.Username}@example.com");
        Assert.True((await (await VerifyAsync(user, token)).JsonAsync())["linked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Link_flow_end_to_end_and_a_token_works_only_once()
    {
        var user = await server.SignUpAsync();
        var discordId = NewDiscordId();
        // The Discord user asked the bot to link them; the bot names the account they gave and gets a token to hand them.
        var token = await GenerateAsync(discordId, $"{user.Username.ToUpperInvariant()}@Example.com");
        Assert.Matches("^[0-9a-f]{64}$", token);

        var before = await StatusAsync(discordId);
        Assert.False(before["linked"]!.GetValue<bool>());
        Assert.Null(before["user"]);

        // The Anvil user, signed in, spends it for their own account.
        var verified = await (await VerifyAsync(user, token)).JsonAsync();
        Assert.True(verified["success"]!.GetValue<bool>());
        Assert.True(verified["linked"]!.GetValue<bool>());
        Assert.Equal(user.Username, verified.Str("user.username"));
        Assert.Equal(user.Id.ToString(), verified.Str("user.id"));

        // Replayed: the token was spent.
        await (await VerifyAsync(user, token)).ErrorAsync(HttpStatusCode.BadRequest);

        using var viaHeader = Bot(viaHeader: true);
        var status = await (await viaHeader.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync();
        Assert.True(status["linked"]!.GetValue<bool>());
        Assert.True(status["verified"]!.GetValue<bool>());
        Assert.Equal(user.Username, status.Str("user.username"));

        using var own = user.Client();
        Assert.True((await (await own.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync())["linked"]!.GetValue<bool>());

        using var bot = Bot();
        var unlinked = await (await bot.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync();
        Assert.True(unlinked["success"]!.GetValue<bool>());
        Assert.True(unlinked["unlinked"]!.GetValue<bool>());
        Assert.False((await StatusAsync(discordId))["linked"]!.GetValue<bool>());
        Assert.False((await (await bot.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync())["unlinked"]!.GetValue<bool>());

        // The user may remove their own link too.
        await LinkAsync(user, discordId);
        Assert.True((await (await own.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync())["unlinked"]!.GetValue<bool>());
        Assert.False((await StatusAsync(discordId))["linked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Taking_someone_elses_Discord_link_fails_at_every_step()
    {
        var victim = await server.SignUpAsync();
        var attacker = await server.SignUpAsync();
        var victimDiscord = NewDiscordId();
        await LinkAsync(victim, victimDiscord);

        // Step 1, a token for the victim's Discord id: only the bot issues tokens, never a signed-in user or their token.
        using (var ac = attacker.Client())
        {
            await (await ac.PostAsJsonAsync("/api/discord/link/generate", new { discordId = victimDiscord })).ErrorAsync(HttpStatusCode.Forbidden);
            await (await ac.PostAsJsonAsync("/api/discord/link/generate", new { discordId = victimDiscord, sigmagitEmail = $"{attacker.Username}@example.com" }))
                .ErrorAsync(HttpStatusCode.Forbidden);
        }
        foreach (var scopes in new[] { "user", "admin" })
        {
            using var pat = server.WithBearer(await attacker.CreateTokenAsync(scopes));
            await (await pat.PostAsJsonAsync("/api/discord/link/generate", new { discordId = victimDiscord })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var anon = server.Anonymous())
        {
            await (await anon.PostAsJsonAsync("/api/discord/link/generate", new { discordId = victimDiscord })).ErrorAsync(HttpStatusCode.Unauthorized);
        }

        // Step 2, spending a token the bot issued to the victim's Discord user (say it leaked): bound to the victim's
        // account, it links nothing for the attacker, under their own id or the victim's, and stays spendable.
        var victimsToken = await GenerateAsync(victimDiscord, $"{victim.Username}@example.com");
        await (await VerifyAsync(attacker, victimsToken)).ErrorAsync(HttpStatusCode.BadRequest);
        await (await VerifyAsync(attacker, victimsToken, sigmagitUserId: victim.Id)).ErrorAsync(HttpStatusCode.Forbidden);
        using (var bot = Bot())
        {
            // Nor can the bot spend it for an account of its choosing: verifying is the signed-in user's.
            await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token = victimsToken, sigmagitUserId = attacker.Id.ToString() }))
                .ErrorAsync(HttpStatusCode.Forbidden);
            await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token = victimsToken, sigmagitUserId = victim.Id.ToString() }))
                .ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var pat = server.WithBearer(await victim.CreateTokenAsync("user")))
        {
            // Nor anything holding a token of the victim's: linking is done in a signed-in session.
            await (await pat.PostAsJsonAsync("/api/discord/link/verify", new { token = victimsToken, sigmagitUserId = victim.Id.ToString() }))
                .ErrorAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(victim.Username, (await StatusAsync(victimDiscord)).Str("user.username"));

        // Step 3, removing the victim's link: a signed-in user removes only their own.
        using (var ac = attacker.Client())
        {
            Assert.False((await (await ac.PostAsJsonAsync("/api/discord/link/unlink", new { discordId = victimDiscord })).JsonAsync())["unlinked"]!.GetValue<bool>());
            var seen = await (await ac.GetAsync($"/api/discord/link/status/{victimDiscord}")).JsonAsync();
            Assert.False(seen["linked"]!.GetValue<bool>());
            Assert.Null(seen["user"]);
        }
        var after = await StatusAsync(victimDiscord);
        Assert.True(after["linked"]!.GetValue<bool>());
        Assert.Equal(victim.Username, after.Str("user.username"));

        // The attacker linking their own Discord account touches nobody else's link.
        var attackerDiscord = NewDiscordId();
        await LinkAsync(attacker, attackerDiscord);
        Assert.Equal(victim.Username, (await StatusAsync(victimDiscord)).Str("user.username"));
        Assert.Equal(attacker.Username, (await StatusAsync(attackerDiscord)).Str("user.username"));

        // The leaked token was never spent: the victim can still use it.
        Assert.True((await (await VerifyAsync(victim, victimsToken)).JsonAsync())["linked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_link_is_replaced_only_by_its_own_user_or_for_its_own_Discord_user()
    {
        var first = await server.SignUpAsync();
        var second = await server.SignUpAsync();
        var discordId = NewDiscordId();
        await LinkAsync(first, discordId);

        // A token without an email may be spent by whoever signs in with it, for themselves: the Discord user moving their
        // link to another of their Anvil accounts. The bot asked on that Discord user's behalf, so the old link goes.
        var token = await GenerateAsync(discordId);
        Assert.True((await (await VerifyAsync(second, token)).JsonAsync())["linked"]!.GetValue<bool>());
        Assert.Equal(second.Username, (await StatusAsync(discordId)).Str("user.username"));

        // A user linking another Discord account replaces their own link (one Discord account per user).
        var otherDiscord = NewDiscordId();
        await LinkAsync(second, otherDiscord);
        Assert.False((await StatusAsync(discordId))["linked"]!.GetValue<bool>());
        Assert.Equal(second.Username, (await StatusAsync(otherDiscord)).Str("user.username"));
    }

    [Fact]
    public async Task The_routes_are_never_open_and_only_the_exact_secret_is_the_bot()
    {
        var user = await server.SignUpAsync();
        var discordId = NewDiscordId();
        var token = await GenerateAsync(discordId, $"{user.Username}@example.com");

        using (var anon = server.Anonymous())
        {
            await (await anon.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        // Near misses of the secret (a character off, a prefix, longer, another case, empty) are nobody.
        var secret = WebhookServer.BotSecret;
        string[] nearMisses = [secret[..^1] + (secret[^1] == 'x' ? 'y' : 'x'), secret[..^1], secret + "x", secret.ToUpperInvariant(), "not-the-secret"];
        foreach (var wrong in nearMisses)
        {
            using (var bearer = server.WithBearer(wrong))
            {
                await (await bearer.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
                await (await bearer.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
            }
            using var header = server.Anonymous();
            header.DefaultRequestHeaders.Add("X-Webhook-Secret", wrong);
            await (await header.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await header.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var bot = Bot(viaHeader: true))
        {
            await (await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId = "" })).ErrorAsync(HttpStatusCode.BadRequest);
            await (await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId = "not a discord id!" })).ErrorAsync(HttpStatusCode.BadRequest);
            await (await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId, sigmagitEmail = "no-at-sign" })).ErrorAsync(HttpStatusCode.BadRequest);
        }

        // A wrong token, a missing id: refused, and none spends the real token.
        await (await VerifyAsync(user, new string('0', 64))).ErrorAsync(HttpStatusCode.BadRequest);
        using (var uc = user.Client())
        {
            await (await uc.PostAsJsonAsync("/api/discord/link/verify", new { token })).ErrorAsync(HttpStatusCode.BadRequest);
            await (await uc.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = "not-a-number" })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        Assert.True((await (await VerifyAsync(user, token)).JsonAsync())["linked"]!.GetValue<bool>());
    }

    [Fact]
    public void The_secret_comparison_is_exact_and_fixed_time_over_digests()
    {
        // FixedTimeEquals over SHA-256 digests: equal lengths always, so neither content nor length shows in the time.
        Assert.True(Anvil.Server.Discord.DiscordBot.SecretMatches(WebhookServer.BotSecret, WebhookServer.BotSecret));
        Assert.False(Anvil.Server.Discord.DiscordBot.SecretMatches(WebhookServer.BotSecret[..^1], WebhookServer.BotSecret));
        Assert.False(Anvil.Server.Discord.DiscordBot.SecretMatches(WebhookServer.BotSecret + "\0", WebhookServer.BotSecret));
        Assert.False(Anvil.Server.Discord.DiscordBot.SecretMatches("", WebhookServer.BotSecret));
        Assert.False(Anvil.Server.Discord.DiscordBot.SecretMatches(null, WebhookServer.BotSecret));
        Assert.False(Anvil.Server.Discord.DiscordBot.SecretMatches(WebhookServer.BotSecret, null));
    }

    [Fact]
    public async Task Inbound_notifications_need_the_secret_and_are_forwarded_as_embeds()
    {
        var body = new { type = "push", repository = new { owner = "acme", name = "inbound-" + Guid.NewGuid().ToString("N")[..8] }, data = new { title = "Deployed", message = "all green" } };
        using (var anon = server.Anonymous())
        {
            await (await anon.PostAsJsonAsync("/api/webhooks/discord", body)).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using var bot = Bot(viaHeader: true);
        await (await bot.PostAsJsonAsync("/api/webhooks/discord", new { type = "weird", repository = new { owner = "a", name = "b" } })).ErrorAsync(HttpStatusCode.BadRequest);
        var queued = await (await bot.PostAsJsonAsync("/api/webhooks/discord", body)).JsonAsync(HttpStatusCode.Accepted);
        Assert.True(queued["queued"]!.GetValue<bool>());
        var message = await server.Discord.WaitForAsync(r => r.Path == "/discord" && r.Text.Contains(body.repository.name), "the inbound embed");
        var embed = message.Json["embeds"]![0]!;
        Assert.Equal($"[acme/{body.repository.name}] Deployed", embed.Str("title"));
        Assert.Equal("all green", embed.Str("description"));
        Assert.Equal("Anvil", message.Json.Str("username"));
    }

    [Fact]
    public async Task Only_site_admins_may_send_the_test_embed()
    {
        var user = await server.SignUpAsync();
        using (var uc = user.Client())
        {
            await (await uc.GetAsync("/api/webhooks/discord/test")).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var anon = server.Anonymous())
        {
            await (await anon.GetAsync("/api/webhooks/discord/test")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        var admin = "ops" + Guid.NewGuid().ToString("N")[..8];
        var config = new Dictionary<string, string?> { ["ANVIL_DATA_DIR"] = server.DataDir, ["DATABASE_URL"] = server.DatabaseUrl };
        Assert.Equal(0, await AdminCli.RunAsync(["create-user", "--username", admin, "--email", $"{admin}@example.com", "--password", "long-enough-pw", "--admin"], config, TextWriter.Null));
        var output = new StringWriter();
        Assert.Equal(0, await AdminCli.RunAsync(["token", "create", "--user", admin, "--name", "ops", "--scopes", "admin"], config, output));
        using var ac = server.WithBearer(output.ToString().Trim());
        var res = await (await ac.GetAsync("/api/webhooks/discord/test")).JsonAsync();
        Assert.True(res["success"]!.GetValue<bool>());
        var guid = res.Str("deliveryId");
        var message = await server.Discord.WaitForAsync(r => r.Path == "/discord" && r.Header("X-GitHub-Delivery") == guid, "the test embed");
        Assert.Equal("Anvil webhook test", message.Json["embeds"]![0]!.Str("title"));
    }
}

public sealed class DiscordTestsOnSqlite(WebhookSqliteServer s) : DiscordTests(s), IClassFixture<WebhookSqliteServer>;

public sealed class DiscordTestsOnPostgres(WebhookPostgresServer s) : DiscordTests(s), IClassFixture<WebhookPostgresServer>;

/// <summary>Link tokens expire: a server whose tokens live one second.</summary>
public abstract class DiscordLinkExpiryTests(WebhookServer server)
{
    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var user = await server.SignUpAsync();
        var discordId = Random.Shared.NextInt64(100_000_000, 999_999_999).ToString();
        using var bot = server.WithBearer(WebhookServer.BotSecret);
        var token = (await (await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).JsonAsync()).Str("token");
        // Let the one-second lifetime pass; what is asserted is the refusal, not any timing.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var c = user.Client();
        await (await c.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.False((await (await bot.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync())["linked"]!.GetValue<bool>());
    }
}

public sealed class ShortLivedLinkSqliteServer : WebhookServer
{
    public override Database Database => Database.Sqlite;

    protected override void Configure()
    {
        base.Configure();
        Settings["ANVIL_DISCORD_LINK_TTL_SECONDS"] = "1";
    }
}

public sealed class ShortLivedLinkPostgresServer : WebhookServer
{
    public override Database Database => Database.Postgres;

    protected override void Configure()
    {
        base.Configure();
        Settings["ANVIL_DISCORD_LINK_TTL_SECONDS"] = "1";
    }
}

public sealed class DiscordLinkExpiryTestsOnSqlite(ShortLivedLinkSqliteServer s) : DiscordLinkExpiryTests(s), IClassFixture<ShortLivedLinkSqliteServer>;

public sealed class DiscordLinkExpiryTestsOnPostgres(ShortLivedLinkPostgresServer s) : DiscordLinkExpiryTests(s), IClassFixture<ShortLivedLinkPostgresServer>;
