using System.IO.Compression;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Storage;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>
/// Where Actions keeps its blobs. Every key starts with the repository id, so deleting a repository
/// deletes its logs and artifacts by prefix.
/// </summary>
public static class ActionsBlobs
{
    public static string LogKey(long repositoryId, long jobId) => $"actions/logs/{repositoryId}/{jobId}.log";

    public static string ArtifactKey(long repositoryId, long artifactId) => $"actions/artifacts/{repositoryId}/{artifactId}.zip";

    public static IEnumerable<string> RepositoryPrefixes(long repositoryId) => [$"actions/logs/{repositoryId}/", $"actions/artifacts/{repositoryId}/"];
}

public sealed record LogChunk(int Seq, byte[] Data);

/// <summary>
/// A job's log: <see cref="JobLogChunk"/> rows while it runs (appends are idempotent per seq), one blob once
/// it has finished. The blob is written before the job is marked archived and the rows deleted, so at every
/// moment one of the two holds the whole log; a failed blob write leaves the rows for the next sweep to retry.
/// </summary>
public sealed class JobLogArchive(AnvilDbContext db, IBlobStore blobs, TimeProvider clock, ILogger<JobLogArchive> log)
{
    private const string ContentType = "text/plain; charset=utf-8";

    /// <summary>Moves a finished job's log to the blob store; false when there was nothing to do (not finished, or already archived).</summary>
    public async Task<bool> ArchiveAsync(long jobId, CancellationToken ct)
    {
        var job = await db.WorkflowJobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.RepositoryId, j.Status, j.CompletedAt, j.LogArchivedAt }).FirstOrDefaultAsync(ct);
        if (job is null || job.Status != JobStatus.Completed || job.LogArchivedAt is not null)
        {
            return false;
        }
        // A finished job takes no more log calls (they need a job in progress), so these chunks are final.
        if (await ReadChunksAsync(jobId, ct) is { } content)
        {
            await using (content)
            {
                await blobs.PutAsync(ActionsBlobs.LogKey(job.RepositoryId, jobId), content, ContentType, ct);
            }
        }
        // CompletedAt in the compare-and-swap: a re-run that started (and even finished) meanwhile is not mistaken for this attempt.
        var now = clock.GetUtcNow().UtcDateTime;
        var marked = await db.WorkflowJobs.Where(j => j.Id == jobId && j.Status == JobStatus.Completed && j.LogArchivedAt == null && j.CompletedAt == job.CompletedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LogArchivedAt, now), ct);
        if (marked == 1)
        {
            await db.JobLogChunks.Where(c => c.JobId == jobId).ExecuteDeleteAsync(ct);
        }
        return marked == 1;
    }

    /// <summary>
    /// Archives every finished job whose log is still in rows (jobs ended by the sweep, cancelled or timed out, and
    /// retries of failed blob writes), and drops rows left behind by a crash right after archiving.
    /// </summary>
    public async Task ArchivePendingAsync(CancellationToken ct)
    {
        var pending = await db.WorkflowJobs.AsNoTracking().Where(j => j.Status == JobStatus.Completed && j.LogArchivedAt == null)
            .OrderBy(j => j.Id).Select(j => j.Id).Take(100).ToListAsync(ct);
        foreach (var jobId in pending)
        {
            try
            {
                await ArchiveAsync(jobId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "log of job {Job} not archived yet; its chunks stay and it is retried", jobId);
            }
        }
        await db.JobLogChunks.Where(c => db.WorkflowJobs.Any(j => j.Id == c.JobId && j.LogArchivedAt != null)).ExecuteDeleteAsync(ct);
    }

    /// <summary>The log as it is now: from the blob once archived, else from the chunks.</summary>
    public async Task<Stream> OpenAsync(WorkflowJob job, CancellationToken ct)
    {
        var archived = job.LogArchivedAt is not null;
        if (!archived)
        {
            if (await ReadChunksAsync(job.Id, ct) is { } content)
            {
                return content;
            }
            // No rows: the log may have been archived since the job was read.
            archived = await db.WorkflowJobs.AnyAsync(j => j.Id == job.Id && j.LogArchivedAt != null, ct);
        }
        return archived ? await blobs.OpenReadAsync(ActionsBlobs.LogKey(job.RepositoryId, job.Id), ct) ?? Stream.Null : Stream.Null;
    }

    /// <summary>Forgets an archived log (a re-run starts the job's log afresh); best effort, after the job row was reset.</summary>
    public Task DeleteBlobAsync(long repositoryId, long jobId) => blobs.DeleteBestEffortAsync(ActionsBlobs.LogKey(repositoryId, jobId), log);

    /// <summary>The log rows of a job still running (or not yet archived) after <paramref name="afterSeq"/>, in order: what a live view has not shown yet.</summary>
    public Task<List<LogChunk>> ChunksAfterAsync(long jobId, int afterSeq, CancellationToken ct) =>
        db.JobLogChunks.AsNoTracking().Where(c => c.JobId == jobId && c.Seq > afterSeq).OrderBy(c => c.Seq)
            .Select(c => new LogChunk(c.Seq, c.Data)).ToListAsync(ct);

    /// <summary>The job's log rows joined in order, or null when it has none.</summary>
    private async Task<MemoryStream?> ReadChunksAsync(long jobId, CancellationToken ct)
    {
        var chunks = await ChunksAfterAsync(jobId, -1, ct);
        if (chunks.Count == 0)
        {
            return null;
        }
        var content = new MemoryStream(chunks.Sum(c => c.Data.Length));
        foreach (var chunk in chunks)
        {
            content.Write(chunk.Data);
        }
        content.Position = 0;
        return content;
    }
}

/// <summary>Artifact uploads: zips a job sends with its job token (<c>actions/upload-artifact</c>), kept in the blob store.</summary>
public sealed class ArtifactUploads(AnvilDbContext db, IBlobStore blobs, ArtifactStore store, RunnerService runners, TimeProvider clock)
{
    public const int MaxNameLength = 255;
    /// <summary>GitHub's upload-artifact refuses these too (they break file systems when downloaded).</summary>
    private static readonly char[] ForbiddenNameChars = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];
    /// <summary>
    /// Stores an uploaded zip as artifact <paramref name="name"/> of the job's run attempt; the call spends the job's token.
    /// The id is drawn before the row exists, so the blob (keyed by id) is complete before the row that points at it is
    /// committed, together with the token rotation; a refused upload (too large, not a zip, duplicate) stores nothing.
    /// </summary>
    public async Task<(Artifact Artifact, IssuedJobToken Next)> UploadAsync(long jobId, string? credential, string? name, Stream body, CancellationToken ct)
    {
        var call = await runners.BeginCallAsync(jobId, credential, ct);
        var job = call.Job;
        if (ProblemWithName(name) is { } problem)
        {
            throw AnvilException.Invalid(problem);
        }
        if (await db.Artifacts.AnyAsync(a => a.RunId == job.RunId && a.RunAttempt == job.Run.RunAttempt && a.Name == name, ct))
        {
            throw AnvilException.Conflict($"an artifact named '{name}' already exists in this run");
        }
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        // The route's BodyLimit caps the body at MaxArtifactBytes: a longer one fails this copy with a 413.
        await body.CopyToAsync(spool, ct);
        spool.Position = 0;
        if (!IsZip(spool))
        {
            throw AnvilException.Invalid("an artifact must be a zip archive");
        }
        spool.Position = 0;
        var artifact = new Artifact
        {
            Id = Random.Shared.NextInt64(1, 1L << 53), // within JavaScript's exact integers; a collision fails the insert, storing nothing
            RepositoryId = job.RepositoryId, RunId = job.RunId, RunAttempt = job.Run.RunAttempt, JobId = job.Id, Name = name!,
            SizeInBytes = spool.Length, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var key = ActionsBlobs.ArtifactKey(artifact.RepositoryId, artifact.Id);
        await blobs.PutAsync(key, spool, "application/zip", ct);
        db.Artifacts.Add(artifact);
        try
        {
            await runners.CommitCallAsync(ct);
        }
        catch (Exception e) when (e is AnvilException or DbUpdateException)
        {
            await store.DeleteBlobAsync(key);
            throw e is DbUpdateException ? AnvilException.Conflict($"an artifact named '{name}' already exists in this run") : e;
        }
        return (artifact, call.NextToken);
    }

    public static string? ProblemWithName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "name is required";
        }
        if (name.Length > MaxNameLength)
        {
            return $"name must be at most {MaxNameLength} characters";
        }
        if (name.IndexOfAny(ForbiddenNameChars) >= 0 || name != name.Trim())
        {
            return "name must not contain \" : < > | * ? \\ / or line breaks, nor start or end with spaces";
        }
        return null;
    }

    private static bool IsZip(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            _ = zip.Entries.Count;
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}

/// <summary>Stored artifacts: listing, reading and deleting them (rows first, blobs after).</summary>
public sealed class ArtifactStore(AnvilDbContext db, IBlobStore blobs, AnvilOptions options, TimeProvider clock, ILogger<ArtifactStore> log)
{
    /// <summary>When <paramref name="artifact"/> expires (or expired).</summary>
    public DateTime ExpiresAt(Artifact artifact) => artifact.CreatedAt + options.ArtifactRetention;

    /// <summary>The artifacts of a repository the caller was granted, newest first.</summary>
    public IQueryable<Artifact> OfRepository(long repositoryId) =>
        db.Artifacts.AsNoTracking().Where(a => a.RepositoryId == repositoryId).OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id);

    public async Task<Artifact> FindAsync(long repositoryId, long id, CancellationToken ct) =>
        await db.Artifacts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.RepositoryId == repositoryId, ct)
        ?? throw AnvilException.NotFound("artifact not found");

    public async Task<Stream> OpenAsync(Artifact artifact, CancellationToken ct) =>
        artifact.Expired
            ? throw new AnvilException(FailureKind.Gone, "artifact has expired")
            : await blobs.OpenReadAsync(ActionsBlobs.ArtifactKey(artifact.RepositoryId, artifact.Id), ct)
              ?? throw AnvilException.NotFound("artifact content not found");

    /// <summary>
    /// Expires artifacts past their retention, a batch at a time: the row stays (listed with <c>expired: true</c>, as
    /// on GitHub), the zip goes. Marking is a compare-and-swap, so of two nodes sweeping one deletes the blob.
    /// </summary>
    public async Task ExpireDueAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.ArtifactRetention;
        var due = await db.Artifacts.AsNoTracking().Where(a => !a.Expired && a.CreatedAt < cutoff).OrderBy(a => a.CreatedAt).Take(100).ToListAsync(ct);
        foreach (var artifact in due)
        {
            if (await db.Artifacts.Where(a => a.Id == artifact.Id && !a.Expired).ExecuteUpdateAsync(s => s.SetProperty(a => a.Expired, true), ct) == 1)
            {
                await DeleteBlobAsync(ActionsBlobs.ArtifactKey(artifact.RepositoryId, artifact.Id));
            }
        }
    }

    /// <summary>Deletes the row, then (after commit, best effort) the blob: a crash in between leaves an orphan blob, never a row without content.</summary>
    public async Task DeleteAsync(Artifact artifact, CancellationToken ct)
    {
        if (await db.Artifacts.Where(a => a.Id == artifact.Id).ExecuteDeleteAsync(ct) == 1)
        {
            await DeleteBlobAsync(ActionsBlobs.ArtifactKey(artifact.RepositoryId, artifact.Id));
        }
    }

    /// <summary>Drops what a job uploaded in its current attempt (its runner vanished and the job starts over elsewhere).</summary>
    public async Task DeleteForJobAttemptAsync(long jobId, int runAttempt, CancellationToken ct)
    {
        var artifacts = await db.Artifacts.AsNoTracking().Where(a => a.JobId == jobId && a.RunAttempt == runAttempt).ToListAsync(ct);
        foreach (var artifact in artifacts)
        {
            await DeleteAsync(artifact, ct);
        }
    }

    public Task DeleteBlobAsync(string key) => blobs.DeleteBestEffortAsync(key, log);
}

/// <summary>A deleted repository's Actions blobs go too (its rows went with the repository, by cascade).</summary>
public sealed class ActionsBlobCleanup(IBlobStore blobs, ILogger<ActionsBlobCleanup> log) : IDomainEventHandler<RepositoryDeleted>
{
    public async Task HandleAsync(RepositoryDeleted evt, CancellationToken ct)
    {
        foreach (var prefix in ActionsBlobs.RepositoryPrefixes(evt.RepositoryId))
        {
            try
            {
                await blobs.DeletePrefixAsync(prefix, CancellationToken.None);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "blobs under {Prefix} of deleted repository {Repository} not deleted", prefix, evt.RepositoryId);
            }
        }
    }
}
