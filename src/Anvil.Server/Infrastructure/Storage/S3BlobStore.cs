using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Anvil.Server.Infrastructure.Storage;

/// <summary>Where an S3 (or S3-compatible) bucket is and how to sign in to it (<c>S3_*</c>).</summary>
public sealed record S3Settings(string Bucket, string? Endpoint, string Region, string? AccessKey, string? SecretKey, bool ForcePathStyle);

/// <summary>Blobs as objects of one S3 bucket, keyed exactly like the local store's relative paths.</summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;

    public S3BlobStore(S3Settings settings)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
            // S3-compatible servers (MinIO, Ceph, s3rver, …) do not all know the SDK's newer default checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }
        _client = settings.AccessKey is { } key
            ? new AmazonS3Client(new BasicAWSCredentials(key, settings.SecretKey ?? ""), config)
            : new AmazonS3Client(config); // the SDK's own chain: environment, profile, instance role
        _bucket = settings.Bucket;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        // Signing needs the length and a payload it can read twice; spool anything else to a temp file first.
        FileStream? spool = null;
        try
        {
            var body = content;
            if (!content.CanSeek)
            {
                spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                await content.CopyToAsync(spool, ct);
                spool.Position = 0;
                body = spool;
            }
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                ContentType = contentType,
                UseChunkEncoding = false,
            }, ct);
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_bucket, key, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await _client.DeleteObjectAsync(_bucket, key, ct); // deleting a missing object succeeds, as with local files

    public async Task DeletePrefixAsync(string prefix, CancellationToken ct)
    {
        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException("a blob prefix ends with /", nameof(prefix));
        }
        // Listing from the start each time: deleted keys drop out, so no continuation token is needed.
        while (true)
        {
            var listed = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, MaxKeys = 1000 }, ct);
            if (listed.S3Objects is not { Count: > 0 } objects)
            {
                return;
            }
            foreach (var o in objects)
            {
                await _client.DeleteObjectAsync(_bucket, o.Key, ct); // one by one: not every S3-compatible server has multi-object delete
            }
        }
    }

    public void Dispose() => _client.Dispose();
}
