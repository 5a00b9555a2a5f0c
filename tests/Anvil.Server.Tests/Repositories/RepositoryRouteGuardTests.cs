using Anvil.Server.Auth;
using Anvil.Server.Repositories;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Repositories;

/// <summary>
/// What every repository route must declare, read off the running server's routes: the repository is resolved once by the
/// route group, and the token scope a write needs is the route's to say (services no longer check it themselves).
/// </summary>
public sealed class RepositoryRouteGuardTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private IReadOnlyList<RouteEndpoint> RepositoryApiRoutes() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal)
                && raw.Contains("{owner}/{name}", StringComparison.Ordinal))
            .ToList();

    private static string Describe(RouteEndpoint e) =>
        string.Join(",", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []) + " " + e.RoutePattern.RawText;

    [Fact]
    public void Every_write_to_a_repository_declares_the_token_scope_it_needs()
    {
        var routes = RepositoryApiRoutes();
        Assert.NotEmpty(routes);
        var undeclared = routes
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => m is not ("GET" or "HEAD")) == true)
            .Where(e => !e.Metadata.GetOrderedMetadata<SignInRequired>().Any(r => r.Scope is not null)
                && e.Metadata.GetMetadata<OwnRightsWithScope>() is null)
            .Select(Describe).ToList();
        Assert.True(undeclared.Count == 0, "writes without a declared scope: " + string.Join("; ", undeclared));
    }

    [Fact]
    public async Task A_read_only_token_is_refused_every_write_and_changes_nothing()
    {
        // The scope is checked on the route alone (the services stopped checking it): a repo:read token of the owner, who
        // may do everything on their own account, is told the scope it lacks on each write, creating and forking included.
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var name = repo.Str("name");
        using var c = server.WithBearer(await owner.CreateTokenAsync(Scopes.RepoRead));
        var writes = RepositoryApiRoutes()
            .Where(e => e.Metadata.GetOrderedMetadata<SignInRequired>().Any(r => r.Scope == Scopes.RepoWrite))
            .Select(e => (Method: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.First(), Url: Url(e, $"{owner.Username}/{name}")))
            .Concat(new (string Method, string Url)[] { ("POST", "/api/v1/user/repos"), ("POST", "/api/repositories") })
            .ToList();
        Assert.Contains(writes, w => w.Url.EndsWith("/reviews/1/dismissals", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.Url.EndsWith("/update-branch", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.Url.EndsWith("/topics", StringComparison.Ordinal));
        var wrong = new List<string>();
        foreach (var (method, url) in writes)
        {
            using var req = new HttpRequestMessage(new HttpMethod(method), url)
            {
                Content = new StringContent($$"""{"name":"{{name}}-made","names":["x"],"reviewers":["{{owner.Username}}"]}""",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            var res = await c.SendAsync(req);
            var text = await res.Content.ReadAsStringAsync();
            if (res.StatusCode != System.Net.HttpStatusCode.Forbidden || !text.Contains("token lacks required scope: repo:write", StringComparison.Ordinal))
            {
                wrong.Add($"{method} {url}: {(int)res.StatusCode} {text}");
            }
        }
        Assert.True(wrong.Count == 0, "not refused for a repo:read token: " + string.Join("; ", wrong));

        using var session = owner.Client();
        var after = await (await session.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        Assert.Equal(name, after.Str("name"));
        Assert.Empty((await (await session.GetAsync($"/api/v1/repos/{owner.Username}/{name}/topics")).JsonAsync())["names"]!.AsArray());
        await (await session.GetAsync($"/api/v1/repos/{owner.Username}/{name}-made")).ErrorAsync(System.Net.HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await session.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync())["stargazers_count"]!.GetValue<int>());
    }

    private static string Url(RouteEndpoint e, string path) =>
        System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.Replace("{owner}/{name}", path), @"\{\*?(\w+)(:[^}]*)?\}",
            m => m.Groups[2].Value.Contains("int") || m.Groups[2].Value.Contains("long") ? "1" : "x");

    [Fact]
    public async Task Every_repository_route_resolves_its_repository_first()
    {
        // A route outside a repository group would reach its handler without the grant: for a repository nobody may see,
        // the answer must still be the same "not found" as everywhere else, before any body is read.
        var owner = await server.SignUpAsync();
        var hidden = await RepoSetup.CreateAsync(owner, isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var c = stranger.Client();
        var path = $"{owner.Username}/{hidden.Str("name")}";
        var wrong = new List<string>();
        foreach (var e in RepositoryApiRoutes())
        {
            var method = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET";
            var url = Url(e, path);
            using var req = new HttpRequestMessage(new HttpMethod(method), url) { Content = method is "GET" or "HEAD" ? null : new StringContent("not json") };
            var res = await c.SendAsync(req);
            if (res.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                wrong.Add($"{method} {url}: {(int)res.StatusCode}");
            }
        }
        Assert.True(wrong.Count == 0, "not 404 for a stranger: " + string.Join("; ", wrong));
    }
}
