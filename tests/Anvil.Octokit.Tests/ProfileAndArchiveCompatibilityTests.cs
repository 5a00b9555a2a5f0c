using System.Formats.Tar;
using System.IO.Compression;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Editing the signed-in user's profile, and archives of a private repository (a redirect Octokit follows), through Octokit.</summary>
public abstract class ProfileAndArchiveCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task User_update_changes_the_profile_and_a_refusal_changes_nothing()
    {
        var (user, github) = await OctokitClients.SignUpAsync(server);
        var updated = await github.User.Update(new UserUpdate
        {
            Name = "Ada L", Blog = "https://ada.example", Company = "Engines", Location = "London", Hireable = true, Bio = "Notes",
        });
        Assert.Equal(user.Username, updated.Login);
        Assert.Equal(("Ada L", "https://ada.example", "Engines", "London", true, "Notes"),
            (updated.Name, updated.Blog, updated.Company, updated.Location, updated.Hireable, updated.Bio));
        var current = await github.User.Current();
        Assert.Equal(("Ada L", "https://ada.example", true, $"{user.Username}@example.com"), (current.Name, current.Blog, current.Hireable, current.Email));

        var refused = await Assert.ThrowsAsync<ApiValidationException>(() => github.User.Update(new UserUpdate { Bio = "changed", Blog = "ftp://nope" }));
        Assert.Equal("Validation Failed", refused.Message);
        var error = Assert.Single(refused.ApiError.Errors);
        Assert.Equal(("User", "blog", "invalid"), (error.Resource, error.Field, error.Code));
        Assert.Equal("Notes", (await github.User.Current()).Bio);
    }

    [Fact]
    public async Task GetArchive_of_a_private_repository_follows_the_signed_link_to_the_bytes()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var vault = await github.Repository.Create(new NewRepository("vault") { Private = true, AutoInit = true });
        Assert.True(vault.Private);
        var sha = (await github.Repository.Branch.Get(owner.Username, "vault", "main")).Commit.Sha;
        var folder = $"{owner.Username}-vault-{sha[..7]}/";

        var tarball = await github.Repository.Content.GetArchive(owner.Username, "vault", ArchiveFormat.Tarball, "main");
        var names = new List<string>();
        using (var reader = new TarReader(new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not TarEntryType.GlobalExtendedAttributes)
                {
                    names.Add(entry.Name);
                }
            }
        }
        Assert.Contains(folder + "README.md", names);
        Assert.All(names, n => Assert.StartsWith(folder, n));

        var zipball = await github.Repository.Content.GetArchive(owner.Username, "vault", ArchiveFormat.Zipball);
        using var zip = new ZipArchive(new MemoryStream(zipball));
        Assert.Contains(zip.Entries, e => e.FullName == folder + "README.md");

        var (_, stranger) = await OctokitClients.SignUpAsync(server);
        await Assert.ThrowsAsync<NotFoundException>(() => stranger.Repository.Content.GetArchive(owner.Username, "vault", ArchiveFormat.Tarball, "main"));
    }
}

public sealed class ProfileAndArchiveCompatibilityOnSqlite(OctokitSqliteServer s) : ProfileAndArchiveCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ProfileAndArchiveCompatibilityOnPostgres(OctokitPostgresServer s) : ProfileAndArchiveCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
