using System.Net;
using System.Net.Http.Headers;
using Amazon.S3;
using Amazon.S3.Model;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Storage;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Storage;

/// <summary>An Anvil server whose blobs go to the sandbox S3 bucket.</summary>
public sealed class S3StorageServer : AnvilServer
{
    public S3StorageServer()
    {
        foreach (var (key, value) in S3Sandbox.Settings)
        {
            Settings[key] = value;
        }
    }

    public override Database Database => Database.Sqlite;
}

public sealed class S3StorageTests(S3StorageServer server) : IClassFixture<S3StorageServer>
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>The bucket as any S3 client sees it: what the tests check the server wrote.</summary>
    private static AmazonS3Client Bucket() => new(S3Sandbox.AccessKey, S3Sandbox.SecretKey, new AmazonS3Config
    {
        ServiceURL = S3Sandbox.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    private static async Task<List<string>> KeysAsync(string prefix)
    {
        using var s3 = Bucket();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Sandbox.Bucket, Prefix = prefix });
        return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    [Fact]
    public async Task Avatars_are_stored_in_the_bucket_and_served_from_it()
    {
        await S3Sandbox.EnsureStartedAsync();
        Assert.IsType<S3BlobStore>(server.Services.GetRequiredService<IBlobStore>());
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        var uploaded = await (await c.PatchAsync("/api/users/me/avatar", new MultipartFormDataContent { { file, "avatar", "me.png" } })).JsonAsync();

        Assert.Equal([$"avatars/{user.Id}/1"], await KeysAsync($"avatars/{user.Id}/"));
        using (var s3 = Bucket())
        {
            using var stored = await s3.GetObjectAsync(S3Sandbox.Bucket, $"avatars/{user.Id}/1");
            using var bytes = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(bytes);
            Assert.Equal(Png, bytes.ToArray());
            Assert.Equal("image/png", stored.Headers.ContentType);
        }
        var image = await c.GetAsync(uploaded.Str("avatarUrl"));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "storage", "avatars")));

        await (await c.DeleteAsync("/api/users/me/avatar")).JsonAsync();
        Assert.Empty(await KeysAsync($"avatars/{user.Id}/"));
    }

    [Fact]
    public async Task The_store_round_trips_unseekable_content_and_reports_missing_keys()
    {
        await S3Sandbox.EnsureStartedAsync();
        var store = server.Services.GetRequiredService<IBlobStore>();
        var key = $"logs/{Guid.NewGuid():N}/step-1.log";
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).ToArray();

        await store.PutAsync(key, new UnseekableStream(content), "text/plain", default);

        await using (var read = await store.OpenReadAsync(key, default))
        {
            Assert.NotNull(read);
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }
        await store.DeleteAsync(key, default);
        Assert.Null(await store.OpenReadAsync(key, default));
        await store.DeleteAsync(key, default); // deleting twice is not an error
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("local", false)]
    [InlineData("S3", true)]
    public void Storage_type_selects_the_store(string? type, bool s3)
    {
        var options = Options(new() { ["STORAGE_TYPE"] = type, ["S3_BUCKET"] = "b", ["S3_ENDPOINT"] = "http://127.0.0.1:9" });
        Assert.Equal(s3, options.S3 is not null);
        if (s3)
        {
            Assert.Equal(new S3Settings("b", "http://127.0.0.1:9", "us-east-1", null, null, ForcePathStyle: true), options.S3);
        }
    }

    [Fact]
    public void Misconfigured_storage_stops_start_up_with_the_reason()
    {
        Assert.Contains("S3_BUCKET_NAME", Assert.Throws<InvalidOperationException>(() => Options(new() { ["STORAGE_TYPE"] = "s3" })).Message);
        Assert.Contains("STORAGE_TYPE", Assert.Throws<InvalidOperationException>(() => Options(new() { ["STORAGE_TYPE"] = "ftp" })).Message);
    }

    private AnvilOptions Options(Dictionary<string, string?> settings)
    {
        settings["ANVIL_DATA_DIR"] = server.DataDir;
        return AnvilOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    /// <summary>A request body as a network stream delivers it: no length, no seeking.</summary>
    private sealed class UnseekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
