namespace Anvil.Server.Infrastructure.Storage;

/// <summary>Where avatars, logs and artifacts live: the local disk by default, S3 when configured.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, Stream content, string contentType, CancellationToken ct);
    /// <summary>The blob's content, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);
    Task DeleteAsync(string key, CancellationToken ct);
    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/> (a folder-like prefix ending in <c>/</c>).</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken ct);
}

public static class BlobStorage
{
    /// <summary>
    /// Deletes a blob whose row is already gone, best effort: a failure leaves an orphan blob (logged), never an error
    /// for a change that has committed.
    /// </summary>
    public static async Task DeleteBestEffortAsync(this IBlobStore blobs, string key, ILogger log)
    {
        try
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "blob {Key} not deleted", key);
        }
    }

    /// <summary>The store <c>STORAGE_TYPE</c> selects: local files by default, an S3 bucket with <c>s3</c>.</summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, AnvilOptions options) =>
        options.S3 is { } s3
            ? services.AddSingleton<IBlobStore>(_ => new S3BlobStore(s3))
            : services.AddSingleton<IBlobStore, LocalBlobStore>();
}

public sealed class LocalBlobStore(AnvilOptions options) : IBlobStore
{
    private string PathOf(string key)
    {
        // Keys are built by Anvil, never by users; still, nothing may escape the storage root.
        var full = Path.GetFullPath(Path.Combine(options.StorageLocalPath, key));
        if (!full.StartsWith(options.StorageLocalPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("blob key escapes the storage root", nameof(key));
        }
        return full;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var f = File.Create(tmp))
            {
                await content.CopyToAsync(f, ct);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken ct)
    {
        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException("a blob prefix ends with /", nameof(prefix));
        }
        var dir = PathOf(prefix.TrimEnd('/'));
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        return Task.CompletedTask;
    }
}
