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

    private static async Task<string> GenerateAsync(TestUser user, string discordId)
    {
        using var c = user.Client();
        var body = await (await c.PostAsJsonAsync("/api/discord/link/generate", new { discordId, sigmagitEmail = $"{user.Username}@example.com" })).JsonAsync();
        Assert.True(body["success"]!.GetValue<bool>());
        return body.Str("token");
    }

    [Fact]
    public async Task Link_flow_end_to_end_and_a_token_works_only_once()
    {
        var user = await server.SignUpAsync();
        var discordId = NewDiscordId();
        var token = await GenerateAsync(user, discordId);
        Assert.Matches("^[0-9a-f]{64}$", token);

        using var bot = Bot();
        var before = await (await bot.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync();
        Assert.False(before["linked"]!.GetValue<bool>());
        Assert.Null(before["user"]);

        var verified = await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).JsonAsync();
        Assert.True(verified["success"]!.GetValue<bool>());
        Assert.True(verified["linked"]!.GetValue<bool>());
        Assert.Equal(user.Username, verified.Str("user.username"));
        Assert.Equal(user.Id.ToString(), verified.Str("user.id"));

        // Replayed: the token was spent.
        await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.BadRequest);

        using var viaHeader = Bot(viaHeader: true);
        var status = await (await viaHeader.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync();
        Assert.True(status["linked"]!.GetValue<bool>());
        Assert.True(status["verified"]!.GetValue<bool>());
        Assert.Equal(user.Username, status.Str("user.username"));

        using var own = user.Client();
        Assert.True((await (await own.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync())["linked"]!.GetValue<bool>());

        var unlinked = await (await bot.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync();
        Assert.True(unlinked["success"]!.GetValue<bool>());
        Assert.True(unlinked["unlinked"]!.GetValue<bool>());
        Assert.False((await (await bot.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync())["linked"]!.GetValue<bool>());
        Assert.False((await (await bot.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync())["unlinked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tokens_are_bound_to_their_user_and_the_routes_are_never_open()
    {
        var user = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var discordId = NewDiscordId();
        var token = await GenerateAsync(user, discordId);

        using (var anon = server.Anonymous())
        {
            await (await anon.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).ErrorAsync(HttpStatusCode.Unauthorized);
            await (await anon.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var wrong = server.WithBearer("not-the-secret"))
        {
            await (await wrong.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var wrongHeader = server.Anonymous())
        {
            wrongHeader.DefaultRequestHeaders.Add("X-Webhook-Secret", WebhookServer.BotSecret + "x");
            await (await wrongHeader.GetAsync($"/api/discord/link/status/{discordId}")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var pat = server.WithBearer(await user.CreateTokenAsync("user")))
        {
            await (await pat.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var uc = user.Client())
        {
            await (await uc.PostAsJsonAsync("/api/discord/link/generate", new { discordId, sigmagitEmail = "someone-else@example.com" }))
                .ErrorAsync(HttpStatusCode.BadRequest);
            await (await uc.PostAsJsonAsync("/api/discord/link/generate", new { discordId = "" })).ErrorAsync(HttpStatusCode.BadRequest);
        }

        using var bot = Bot();
        // Another user's id, another user's session, a wrong token: all refused, and none spends the token.
        await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = other.Id.ToString() })).ErrorAsync(HttpStatusCode.BadRequest);
        using (var oc = other.Client())
        {
            await (await oc.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.BadRequest);
        }
        await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token = new string('0', 64), sigmagitUserId = user.Id.ToString() }))
            .ErrorAsync(HttpStatusCode.BadRequest);
        await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token })).ErrorAsync(HttpStatusCode.BadRequest);

        // The user may complete their own link with their session.
        using (var uc = user.Client())
        {
            var linked = await (await uc.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).JsonAsync();
            Assert.True(linked["linked"]!.GetValue<bool>());
        }
        // Someone else's session sees nothing and removes nothing.
        using (var oc = other.Client())
        {
            var status = await (await oc.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync();
            Assert.False(status["linked"]!.GetValue<bool>());
            Assert.Null(status["user"]);
            Assert.False((await (await oc.PostAsJsonAsync("/api/discord/link/unlink", new { discordId })).JsonAsync())["unlinked"]!.GetValue<bool>());
        }
        Assert.True((await (await bot.GetAsync($"/api/discord/link/status/{discordId}")).JsonAsync())["linked"]!.GetValue<bool>());
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
        using var c = user.Client();
        var token = (await (await c.PostAsJsonAsync("/api/discord/link/generate", new { discordId })).JsonAsync()).Str("token");
        // Let the one-second lifetime pass; what is asserted is the refusal, not any timing.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var bot = server.WithBearer(WebhookServer.BotSecret);
        await (await bot.PostAsJsonAsync("/api/discord/link/verify", new { token, sigmagitUserId = user.Id.ToString() })).ErrorAsync(HttpStatusCode.BadRequest);
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
