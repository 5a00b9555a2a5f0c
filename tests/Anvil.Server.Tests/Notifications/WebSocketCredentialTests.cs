using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Notifications;

/// <summary>
/// <c>/ws</c> with a real WebSocket client: every way of signing in is checked as it is on every other route,
/// before the upgrade (a refusal is an HTTP answer, never an accepted-then-closed socket).
/// </summary>
public abstract class WebSocketCredentialTests(AnvilServer server)
{
    private Uri Ws(string query = "") => new($"ws://{server.BaseUri.Authority}/ws{query}");

    /// <summary>Connects with <paramref name="configure"/>'s headers; returns the open socket, or the refusal's status and headers.</summary>
    private static async Task<(ClientWebSocket Socket, HttpStatusCode Status, IReadOnlyDictionary<string, IEnumerable<string>>? Headers)> ConnectAsync(
        Uri uri, Action<ClientWebSocketOptions> configure)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        configure(ws.Options);
        try
        {
            await ws.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The refusal's status and headers are what the client saw of it.
        }
        return (ws, ws.HttpStatusCode, ws.HttpResponseHeaders);
    }

    private static string? Header(IReadOnlyDictionary<string, IEnumerable<string>>? headers, string name) =>
        headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static async Task AssertGreetedAsync(ClientWebSocket ws, TestUser user)
    {
        Assert.Equal(WebSocketState.Open, ws.State);
        var hello = await NotificationProbe.ReceiveAsync(ws, "connected");
        Assert.Equal(user.Id.ToString(), hello.Str("userId"));
    }

    [Fact]
    public async Task A_PAT_in_the_Authorization_header_needs_the_notifications_scope_like_one_in_the_query()
    {
        var alice = await server.SignUpAsync();
        var repoOnly = await alice.CreateTokenAsync("repo");
        foreach (var (uri, header) in new[] { (Ws(), true), (Ws("?token=" + repoOnly), false) })
        {
            var (ws, status, headers) = await ConnectAsync(uri, o =>
            {
                if (header)
                {
                    o.SetRequestHeader("Authorization", "Bearer " + repoOnly);
                }
            });
            using (ws)
            {
                Assert.Equal(HttpStatusCode.Forbidden, status);
                Assert.NotEqual(WebSocketState.Open, ws.State);
                Assert.Equal("notifications", Header(headers, "X-Accepted-OAuth-Scopes"));
            }
        }

        var withScope = await alice.CreateTokenAsync("notifications");
        var (open, openStatus, _) = await ConnectAsync(Ws(), o => o.SetRequestHeader("Authorization", "Bearer " + withScope));
        using (open)
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, openStatus);
            await AssertGreetedAsync(open, alice);
        }

        // A session token in the header is a session: every scope.
        var (session, _, _) = await ConnectAsync(Ws(), o => o.SetRequestHeader("Authorization", "Bearer " + alice.SessionToken));
        using (session)
        {
            await AssertGreetedAsync(session, alice);
        }
    }

    [Fact]
    public async Task A_cookie_signed_upgrade_from_another_origin_is_refused_and_one_from_the_instance_accepted()
    {
        var alice = await server.SignUpAsync();
        void Cookie(ClientWebSocketOptions o) => o.SetRequestHeader("Cookie", "anvil_session=" + alice.SessionToken);

        var (evil, evilStatus, evilHeaders) = await ConnectAsync(Ws(), o =>
        {
            Cookie(o);
            o.SetRequestHeader("Origin", "https://evil.example");
        });
        using (evil)
        {
            Assert.Equal(HttpStatusCode.Forbidden, evilStatus);
            Assert.NotEqual(WebSocketState.Open, evil.State);
            Assert.NotNull(Header(evilHeaders, "X-Request-Id"));
        }

        var (fetchMeta, fetchStatus, _) = await ConnectAsync(Ws(), o =>
        {
            Cookie(o);
            o.SetRequestHeader("Sec-Fetch-Site", "cross-site");
        });
        using (fetchMeta)
        {
            Assert.Equal(HttpStatusCode.Forbidden, fetchStatus);
        }

        var (own, _, _) = await ConnectAsync(Ws(), o =>
        {
            Cookie(o);
            o.SetRequestHeader("Origin", server.BaseUri.GetLeftPart(UriPartial.Authority));
        });
        using (own)
        {
            await AssertGreetedAsync(own, alice);
        }

        // No Origin at all is no browser on another site's page.
        var (plain, _, _) = await ConnectAsync(Ws(), Cookie);
        using (plain)
        {
            await AssertGreetedAsync(plain, alice);
        }

        // A token in the query is an explicit credential: a foreign Origin does not matter to it (no cookie speaks).
        var (tokenFromElsewhere, _, _) = await ConnectAsync(Ws("?token=" + Uri.EscapeDataString(alice.SessionToken)), o =>
        {
            Cookie(o);
            o.SetRequestHeader("Origin", "https://evil.example");
        });
        using (tokenFromElsewhere)
        {
            await AssertGreetedAsync(tokenFromElsewhere, alice);
        }
    }
}

public sealed class WebSocketCredentialTestsOnSqlite(SqliteServer s) : WebSocketCredentialTests(s), IClassFixture<SqliteServer>;

public sealed class WebSocketCredentialTestsOnPostgres(PostgresServer s) : WebSocketCredentialTests(s), IClassFixture<PostgresServer>;
