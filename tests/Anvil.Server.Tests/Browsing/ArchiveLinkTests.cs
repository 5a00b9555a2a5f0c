using System.Net;
using System.Net.Http.Json;
using Anvil.Git.Reading;
using Anvil.Server.Browsing;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Browsing;

public static class ArchiveDownloads
{
    /// <summary>
    /// The archive a tarball or zipball <paramref name="link"/> leads to, as a client follows it: the link must answer a 302,
    /// and the download it names is fetched without the caller's credentials (clients drop them on a redirect).
    /// </summary>
    public static async Task<HttpResponseMessage> FollowArchiveLinkAsync(this AnvilServer server, HttpClient caller, string link)
    {
        var redirect = await caller.GetAsync(link);
        Assert.True(redirect.StatusCode == HttpStatusCode.Found, $"{link}: expected 302, got {(int)redirect.StatusCode}: {await redirect.Content.ReadAsStringAsync()}");
        using var anonymous = server.Anonymous();
        return await anonymous.GetAsync(redirect.Headers.Location);
    }
}

/// <summary>
/// GitHub's tarball and zipball links: a 302 to a download URL which, for a private repository, carries a token signed for
/// that repository, commit and format that soon expires; a forged, expired or misapplied token shows nothing (404).
/// </summary>
public abstract class ArchiveLinkTests(AnvilServer server)
{
    private async Task<(TestUser Owner, string Api, long Id, string Sha)> RepoAsync(bool isPrivate)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "archive" + Guid.NewGuid().ToString("N")[..8];
        var repo = await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        var api = $"/api/v1/repos/{owner.Username}/{name}";
        var sha = (await (await c.GetAsync($"{api}/branches/main")).JsonAsync()).Str("commit.sha");
        return (owner, api, repo["id"]!.GetValue<long>(), sha);
    }

    [Fact]
    public async Task A_private_repositorys_link_carries_a_token_good_for_that_download_only()
    {
        var (owner, api, id, sha) = await RepoAsync(isPrivate: true);
        using var c = owner.Client();
        var res = await c.GetAsync($"{api}/tarball/main");
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        var location = res.Headers.Location!;
        Assert.True(location.IsAbsoluteUri);
        Assert.Equal($"{api}/legacy.tar.gz/{sha}", location.AbsolutePath);
        Assert.StartsWith("?token=", location.Query);
        var token = location.Query["?token=".Length..];

        using var anon = server.Anonymous();
        var archive = await anon.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Assert.Equal("application/x-gzip", archive.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0x1f, 0x8b], (await archive.Content.ReadAsByteArrayAsync())[..2]);

        var links = server.Services.GetRequiredService<ArchiveLinks>();
        var expired = links.Sign(id, sha, ArchiveFormat.TarGz, TimeSpan.FromMinutes(-1));
        var (_, otherApi, otherId, otherSha) = await RepoAsync(isPrivate: true);
        var forged = token[..^1] + (token[^1] == '0' ? '1' : '0');
        foreach (var url in new[]
        {
            $"{api}/legacy.tar.gz/{sha}",
            $"{api}/legacy.tar.gz/{sha}?token={forged}",
            $"{api}/legacy.tar.gz/{sha}?token={expired}",
            $"{api}/legacy.tar.gz/{sha}?token=not-a-token",
            $"{api}/legacy.zip/{sha}?token={token}",
            $"{otherApi}/legacy.tar.gz/{otherSha}?token={token}",
            $"{otherApi}/legacy.tar.gz/{otherSha}?token={links.Sign(id, otherSha, ArchiveFormat.TarGz, ArchiveLinks.Lifetime)}",
            $"{api}/legacy.tar.gz/main?token={token}",
        })
        {
            await (await anon.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        }
        // A token signed here for the other repository is good there, and only there.
        var good = links.Sign(otherId, otherSha, ArchiveFormat.Zip, ArchiveLinks.Lifetime);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync($"{otherApi}/legacy.zip/{otherSha}?token={good}")).StatusCode);

        // The link itself keeps the private-repository rule; the owner may download without a token too.
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        await (await s.GetAsync($"{api}/zipball")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync($"{api}/tarball/main")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"{api}/legacy.zip/{sha}")).StatusCode);
        await (await s.GetAsync($"{api}/legacy.zip/{sha}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_public_repositorys_link_needs_no_token()
    {
        var (owner, api, _, sha) = await RepoAsync(isPrivate: false);
        using var anon = server.Anonymous();
        var res = await anon.GetAsync($"{api}/zipball/{sha}");
        Assert.Equal(HttpStatusCode.Found, res.StatusCode);
        Assert.Equal($"{api}/legacy.zip/{sha}", res.Headers.Location!.PathAndQuery);
        var zip = await anon.GetAsync(res.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        Assert.Contains($"{owner.Username}-", zip.Content.Headers.ContentDisposition!.ToString());
        await (await anon.GetAsync($"{api}/legacy.zip/{sha}?token=forged.00")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync($"{api}/legacy.zip/{new string('0', 40)}")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class ArchiveLinkTestsOnSqlite(SqliteServer s) : ArchiveLinkTests(s), IClassFixture<SqliteServer>;

public sealed class ArchiveLinkTestsOnPostgres(PostgresServer s) : ArchiveLinkTests(s), IClassFixture<PostgresServer>;
