using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Storage;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Actions;

/// <summary>Actions servers with a small artifact cap, so the cap can be crossed cheaply.</summary>
public abstract class ActionsStorageServer : AnvilServer
{
    public const long MaxArtifactBytes = 64 * 1024;

    protected ActionsStorageServer()
    {
        Settings["ANVIL_RUNNER_LEASE_SECONDS"] = "15";
        Settings["ANVIL_ACTIONS_SWEEP_SECONDS"] = "1";
        Settings["ANVIL_MAX_ARTIFACT_BYTES"] = MaxArtifactBytes.ToString();
    }
}

public sealed class ActionsStorageSqliteServer : ActionsStorageServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class ActionsStoragePostgresServer : ActionsStorageServer
{
    public override Database Database => Database.Postgres;
}

public sealed class ActionsStorageS3Server : ActionsStorageServer
{
    public ActionsStorageS3Server()
    {
        foreach (var (key, value) in S3Sandbox.Settings)
        {
            Settings[key] = value;
        }
    }

    public override Database Database => Database.Sqlite;
}

/// <summary>
/// Logs and artifacts of Actions in the blob store, whichever store it is: the scenarios, run against local
/// storage on both databases and against a real S3 server.
/// </summary>
public abstract class ActionsStorageScenarios(AnvilServer server)
{
    private const string ArtifactWorkflow = """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - name: Say hello
                run: echo "hello from the build step"
              - name: Make output
                run: |
                  mkdir -p out/nested
                  echo "artifact-content-7" > out/result.txt
                  echo "deeper" > out/nested/more.txt
              - uses: actions/upload-artifact@v4
                with:
                  name: build-output
                  path: out
              - uses: actions/upload-artifact@v4
                with:
                  name: single-file
                  path: out/result.txt
        """;

    protected AnvilServer Server => server;

    /// <summary>Whether the store holds <paramref name="key"/>, asked of the store itself (the S3 variant asks the bucket directly).</summary>
    protected virtual async Task<bool> StoredAsync(string key)
    {
        await using var content = await server.Services.GetRequiredService<IBlobStore>().OpenReadAsync(key, default);
        return content is not null;
    }

    protected async Task<T> WithDbAsync<T>(Func<AnvilDbContext, Task<T>> query)
    {
        using var scope = server.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<AnvilDbContext>());
    }

    protected Task<bool> ArchivedAsync(long jobId) =>
        WithDbAsync(db => db.WorkflowJobs.AsNoTracking().AnyAsync(j => j.Id == jobId && j.LogArchivedAt != null));

    /// <summary>Waits until the job is marked archived and its chunks are gone (the rows go right after the mark).</summary>
    protected Task WhenArchivedAsync(long jobId) => ActionsRepo.EventuallyAsync(
        async () => await ArchivedAsync(jobId) && await ChunkCountAsync(jobId) == 0, done => done, $"the log of job {jobId} to be archived");

    protected Task<int> ChunkCountAsync(long jobId) => WithDbAsync(db => db.JobLogChunks.CountAsync(c => c.JobId == jobId));

    protected static async Task<long> RepositoryIdAsync(ActionsRepo repo) => (await repo.GetAsync(""))["id"]!.GetValue<long>();

    protected static async Task<byte[]> ZipOfAsync(params (string Name, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                await using var entry = zip.CreateEntry(name).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(content));
            }
        }
        return buffer.ToArray();
    }

    protected static ByteArrayContent ZipContent(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    private static async Task<Dictionary<string, string>> EntriesAsync(HttpResponseMessage res)
    {
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/zip", res.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await res.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        var entries = new Dictionary<string, string>();
        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            using var reader = new StreamReader(entry.Open());
            entries[entry.FullName] = await reader.ReadToEndAsync();
        }
        return entries;
    }

    protected async Task Real_runner_uploads_artifacts_and_the_finished_log_moves_to_the_blob_store_scenario()
    {
        using var repo = await ActionsRepo.CreateAsync(server, isPrivate: true);
        var repoId = await RepositoryIdAsync(repo);
        var sha = await repo.PushAsync("main", (".anvil/workflows/ci.yml", ArtifactWorkflow));
        long runId, jobId;
        await using (var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync()))
        {
            var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() == 1, "the run");
            runId = runs["workflow_runs"]![0]!["id"]!.GetValue<long>();
            var run = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/runs/{runId}"), r => r.Str("status") == "completed",
                "run completion", detail: () => runner.Output);
            Assert.True(run.Str("conclusion") == "success", runner.Output);
            jobId = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]![0]!["id"]!.GetValue<long>();
        }

        // The finished log lives in the blob store now, and only there.
        await WhenArchivedAsync(jobId);
        Assert.True(await StoredAsync($"actions/logs/{repoId}/{jobId}.log"));
        var log = await repo.LogsAsync(jobId);
        Assert.Contains("hello from the build step", log);
        Assert.Contains("Artifact 'build-output' uploaded", log);

        // Both artifacts, listed per repository and per run, GitHub-shaped.
        var listed = await repo.GetAsync("/actions/artifacts");
        Assert.Equal(2, listed["total_count"]!.GetValue<int>());
        var byName = listed["artifacts"]!.AsArray().ToDictionary(a => a!.Str("name"), a => a!);
        Assert.Equal(["build-output", "single-file"], byName.Keys.Order());
        var artifact = byName["build-output"];
        var artifactId = artifact["id"]!.GetValue<long>();
        Assert.Equal(runId, artifact["workflow_run"]!["id"]!.GetValue<long>());
        Assert.Equal(sha, artifact.Str("workflow_run.head_sha"));
        Assert.Equal("main", artifact.Str("workflow_run.head_branch"));
        Assert.False(artifact["expired"]!.GetValue<bool>());
        Assert.EndsWith($"/api/v1/repos/{repo.Owner.Username}/{repo.Name}/actions/artifacts/{artifactId}", artifact.Str("url"));
        Assert.EndsWith($"/actions/artifacts/{artifactId}/zip", artifact.Str("archive_download_url"));
        Assert.True(artifact["size_in_bytes"]!.GetValue<long>() > 0);
        Assert.NotNull(artifact["expires_at"]);
        Assert.True(await StoredAsync($"actions/artifacts/{repoId}/{artifactId}.zip"));
        var ofRun = await repo.GetAsync($"/actions/runs/{runId}/artifacts");
        Assert.Equal(2, ofRun["total_count"]!.GetValue<int>());
        Assert.Equal(artifactId, (await repo.GetAsync($"/actions/artifacts/{artifactId}"))["id"]!.GetValue<long>());

        using (var owner = repo.Owner.Client())
        {
            var directory = await EntriesAsync(await owner.GetAsync($"{repo.Api}/actions/artifacts/{artifactId}/zip"));
            Assert.Equal(new Dictionary<string, string> { ["result.txt"] = "artifact-content-7\n", ["nested/more.txt"] = "deeper\n" }, directory);
            var single = await EntriesAsync(await owner.GetAsync(byName["single-file"].Str("archive_download_url")));
            Assert.Equal(new Dictionary<string, string> { ["result.txt"] = "artifact-content-7\n" }, single);
        }

        // A private repository's artifacts do not exist for outsiders.
        var outsider = await server.SignUpAsync();
        foreach (var client in new[] { outsider.Client(), server.Anonymous() })
        {
            using (client)
            {
                await (await client.GetAsync($"{repo.Api}/actions/artifacts")).ErrorAsync(HttpStatusCode.NotFound);
                await (await client.GetAsync($"{repo.Api}/actions/runs/{runId}/artifacts")).ErrorAsync(HttpStatusCode.NotFound);
                await (await client.GetAsync($"{repo.Api}/actions/artifacts/{artifactId}")).ErrorAsync(HttpStatusCode.NotFound);
                await (await client.GetAsync($"{repo.Api}/actions/artifacts/{artifactId}/zip")).ErrorAsync(HttpStatusCode.NotFound);
            }
        }
        using (var c = outsider.Client())
        {
            await (await c.DeleteAsync($"{repo.Api}/actions/artifacts/{artifactId}")).ErrorAsync(HttpStatusCode.NotFound);
        }

        // Logs and artifacts survive a restart.
        await server.StopAsync();
        await server.StartAsync();
        Assert.Contains("hello from the build step", await repo.LogsAsync(jobId));
        Assert.Equal(2, (await repo.GetAsync("/actions/artifacts"))["total_count"]!.GetValue<int>());

        // Deleting an artifact deletes its row and its blob.
        using (var owner = repo.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{repo.Api}/actions/artifacts/{artifactId}")).StatusCode);
            await (await owner.GetAsync($"{repo.Api}/actions/artifacts/{artifactId}")).ErrorAsync(HttpStatusCode.NotFound);
            await (await owner.GetAsync($"{repo.Api}/actions/artifacts/{artifactId}/zip")).ErrorAsync(HttpStatusCode.NotFound);
            await (await owner.DeleteAsync($"{repo.Api}/actions/artifacts/{artifactId}")).ErrorAsync(HttpStatusCode.NotFound);
        }
        Assert.False(await StoredAsync($"actions/artifacts/{repoId}/{artifactId}.zip"));
        Assert.Equal(["single-file"], (await repo.GetAsync("/actions/artifacts"))["artifacts"]!.AsArray().Select(a => a!.Str("name")));
        var singleId = byName["single-file"]["id"]!.GetValue<long>();

        // Deleting the repository deletes its Actions blobs.
        using (var owner = repo.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(repo.Api)).StatusCode);
        }
        Assert.False(await StoredAsync($"actions/logs/{repoId}/{jobId}.log"));
        Assert.False(await StoredAsync($"actions/artifacts/{repoId}/{singleId}.zip"));
    }

    protected async Task Uploads_are_capped_named_unique_and_spend_the_job_token_scenario()
    {
        using var repo = await ActionsRepo.CreateAsync(server);
        var repoId = await RepositoryIdAsync(repo);
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", "on: push\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps: [{run: echo one}]"));
        var runner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        await runner.ClaimAsync();
        var zip = await ZipOfAsync(("a.txt", "first"));

        // Too large, announced or streamed without a length: 413, nothing stored, and the token still works.
        var tooLarge = new byte[ActionsStorageServer.MaxArtifactBytes + 1];
        Random.Shared.NextBytes(tooLarge);
        await (await runner.UploadRawAsync("big", ZipContent(tooLarge))).ErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        var streamed = new StreamContent(new UnseekableStream(tooLarge));
        streamed.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        await (await runner.UploadRawAsync("big", streamed)).ErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        // Bad names and bodies that are no zip are refused, storing nothing.
        await (await runner.UploadRawAsync("a/b", ZipContent(zip))).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await runner.UploadRawAsync(" ", ZipContent(zip))).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await runner.UploadRawAsync(new string('n', 256), ZipContent(zip))).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await runner.UploadRawAsync("not-zip", ZipContent("plain text"u8.ToArray()))).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        // A body that says it is a multipart form (this route takes the zip itself, and no form is parsed): 400.
        var form = new MultipartFormDataContent { { new ByteArrayContent(zip), "file", "a.zip" } };
        Assert.Contains("raw zip", await (await runner.UploadRawAsync("form", form)).ErrorAsync(HttpStatusCode.BadRequest));
        var claimsMultipart = new ByteArrayContent("not a form at all"u8.ToArray());
        claimsMultipart.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        await (await runner.UploadRawAsync("form", claimsMultipart)).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, (await repo.GetAsync("/actions/artifacts"))["total_count"]!.GetValue<int>());
        Assert.Equal(0, await WithDbAsync(db => db.Artifacts.CountAsync(a => a.RepositoryId == repoId)));

        // Without the job token, or with one already spent: 401.
        await (await runner.UploadRawAsync("ok", ZipContent(zip), "eyJhbGciOiJIUzI1NiJ9.e30.bad")).ErrorAsync(HttpStatusCode.Unauthorized);
        var spent = runner.Token!;
        var uploaded = await (await runner.UploadRawAsync("ok", ZipContent(zip))).JsonAsync(HttpStatusCode.Created);
        runner.Token = uploaded.Str("next_token");
        await (await runner.UploadRawAsync("again", ZipContent(zip), spent)).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(zip.Length, uploaded["size_in_bytes"]!.GetValue<long>());
        var id = uploaded["id"]!.GetValue<long>();
        Assert.True(await StoredAsync($"actions/artifacts/{repoId}/{id}.zip"));

        // One name per run: a second upload under it is refused and leaves the first intact.
        await (await runner.UploadRawAsync("ok", ZipContent(await ZipOfAsync(("b.txt", "second"))))).ErrorAsync(HttpStatusCode.Conflict);
        using (var owner = repo.Owner.Client())
        {
            Assert.Equal(new Dictionary<string, string> { ["a.txt"] = "first" }, await EntriesAsync(await owner.GetAsync($"{repo.Api}/actions/artifacts/{id}/zip")));
        }
        Assert.Equal(1, (await repo.GetAsync("/actions/artifacts"))["total_count"]!.GetValue<int>());

        var runId = (await repo.GetAsync($"/actions/jobs/{runner.JobId}"))["run_id"]!.GetValue<long>();
        using (var owner = repo.Owner.Client())
        {
            await (await owner.DeleteAsync($"{repo.Api}/actions/runs/{runId}")).ErrorAsync(HttpStatusCode.Conflict); // still running
        }

        await runner.LogAsync(0, "uploaded\n");
        await runner.CallAsync("status", new { status = "completed", conclusion = "success" });
        // The job is over: its token no longer uploads.
        await (await runner.UploadRawAsync("late", ZipContent(zip))).ErrorAsync(HttpStatusCode.Unauthorized);
        await WhenArchivedAsync(runner.JobId);
        Assert.Equal("uploaded\n", await repo.LogsAsync(runner.JobId));
        Assert.True(await StoredAsync($"actions/logs/{repoId}/{runner.JobId}.log"));

        // Deleting the finished run deletes its jobs, artifacts and their blobs.
        await repo.CompletedRunAsync(runId);
        using (var owner = repo.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{repo.Api}/actions/runs/{runId}")).StatusCode);
            await (await owner.GetAsync($"{repo.Api}/actions/runs/{runId}")).ErrorAsync(HttpStatusCode.NotFound);
            await (await owner.GetAsync($"{repo.Api}/actions/jobs/{runner.JobId}/logs")).ErrorAsync(HttpStatusCode.NotFound);
            await (await owner.GetAsync($"{repo.Api}/actions/artifacts/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        }
        Assert.False(await StoredAsync($"actions/logs/{repoId}/{runner.JobId}.log"));
        Assert.False(await StoredAsync($"actions/artifacts/{repoId}/{id}.zip"));
    }

    /// <summary>A request body as a network stream delivers it: no length, no seeking.</summary>
    private sealed class UnseekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}

public abstract class ActionsStorageTests(AnvilServer server) : ActionsStorageScenarios(server)
{
    [Fact]
    public Task Real_runner_uploads_artifacts_and_the_finished_log_moves_to_the_blob_store() =>
        Real_runner_uploads_artifacts_and_the_finished_log_moves_to_the_blob_store_scenario();

    [Fact]
    public Task Uploads_are_capped_named_unique_and_spend_the_job_token() => Uploads_are_capped_named_unique_and_spend_the_job_token_scenario();

    [Fact]
    public async Task An_artifact_past_its_retention_expires_its_zip_is_deleted_and_downloads_answer_410()
    {
        using var repo = await ActionsRepo.CreateAsync(Server);
        var repoId = await RepositoryIdAsync(repo);
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", "on: push\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps: [{run: echo one}]"));
        var runner = new ApiRunner(Server, await repo.RegisterRunnerAsync());
        await runner.ClaimAsync();
        var uploaded = await (await runner.UploadRawAsync("report", ZipContent(await ZipOfAsync(("r.txt", "kept for now"))))).JsonAsync(HttpStatusCode.Created);
        var id = uploaded["id"]!.GetValue<long>();
        var fresh = await repo.GetAsync($"/actions/artifacts/{id}");
        Assert.False(fresh["expired"]!.GetValue<bool>());
        var created = fresh["created_at"]!.GetValue<DateTime>();
        Assert.Equal(created.AddDays(90), fresh["expires_at"]!.GetValue<DateTime>());

        // As if uploaded 91 days ago: the background sweep expires it.
        Assert.Equal(1, await WithDbAsync(db => db.Artifacts.Where(a => a.Id == id)
            .ExecuteUpdateAsync(x => x.SetProperty(a => a.CreatedAt, a => a.CreatedAt.AddDays(-91)))));
        var expired = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/artifacts/{id}"), a => a["expired"]!.GetValue<bool>(), "the artifact to expire");
        Assert.True(expired["expires_at"]!.GetValue<DateTime>() < DateTime.UtcNow);
        Assert.Equal("report", expired.Str("name"));
        Assert.True((await repo.GetAsync("/actions/artifacts"))["artifacts"]![0]!["expired"]!.GetValue<bool>());
        Assert.False(await StoredAsync($"actions/artifacts/{repoId}/{id}.zip"));
        using var owner = repo.Owner.Client();
        Assert.Equal("artifact has expired", await (await owner.GetAsync($"{repo.Api}/actions/artifacts/{id}/zip")).ErrorAsync(HttpStatusCode.Gone));
        // Deleting an expired artifact still removes its row.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{repo.Api}/actions/artifacts/{id}")).StatusCode);
        await (await owner.GetAsync($"{repo.Api}/actions/artifacts/{id}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_log_whose_blob_write_fails_stays_in_the_chunks_until_a_later_sweep_archives_it()
    {
        using var repo = await ActionsRepo.CreateAsync(Server);
        var repoId = (await repo.GetAsync(""))["id"]!.GetValue<long>();
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", "on: push\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps: [{run: echo one}]"));
        // A file where the repository's log folder must go: every blob write for it fails, as a full or broken store would.
        var blocker = Path.Combine(Server.DataDir, "storage", "actions", "logs", repoId.ToString());
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        await File.WriteAllTextAsync(blocker, "in the way");
        var runner = new ApiRunner(Server, await repo.RegisterRunnerAsync());
        await runner.ClaimAsync();
        await runner.LogAsync(0, "kept safe\n");
        await runner.CallAsync("status", new { status = "completed", conclusion = "success" });
        await repo.CompletedRunAsync((await repo.GetAsync($"/actions/jobs/{runner.JobId}"))["run_id"]!.GetValue<long>());

        // Sweeps come and go; the log stays readable from its chunks.
        using (var scope = Server.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Anvil.Server.Actions.JobLogArchive>().ArchivePendingAsync(default);
        }
        Assert.False(await ArchivedAsync(runner.JobId));
        Assert.Equal(1, await ChunkCountAsync(runner.JobId));
        Assert.Equal("kept safe\n", await repo.LogsAsync(runner.JobId));

        File.Delete(blocker);
        await WhenArchivedAsync(runner.JobId);
        Assert.True(await StoredAsync($"actions/logs/{repoId}/{runner.JobId}.log"));
        Assert.Equal("kept safe\n", await repo.LogsAsync(runner.JobId));
    }

    [Fact]
    public async Task Metrics_report_the_jobs_waiting_for_a_runner()
    {
        using var repo = await ActionsRepo.CreateAsync(Server);
        using var anon = Server.Anonymous();
        async Task<double> QueuedAsync()
        {
            var line = (await anon.GetStringAsync("/metrics")).Split('\n').Single(l => l.StartsWith("anvil_actions_jobs_queued "));
            return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        // This server's own count: the gauge is process-wide, and other servers of this test run set it on their scrapes too.
        var before = await WithDbAsync(db => db.WorkflowJobs.CountAsync(j => j.Status == "queued"));
        // No runner carries this label: the job stays queued.
        await repo.PushAsync("main", (".anvil/workflows/ci.yml",
            "on: push\njobs:\n  waits:\n    runs-on: [self-hosted, no-runner-has-this]\n    steps: [{run: echo never}]"));
        // Read until a scrape of this server shows it (another server's scrape may land in between).
        await ActionsRepo.EventuallyAsync(QueuedAsync, v => v == before + 1, "the queued job in the gauge");
        var runId = (await repo.RunsAsync())["workflow_runs"]![0]!["id"]!.GetValue<long>();
        using (var owner = repo.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.Accepted, (await owner.PostAsync($"{repo.Api}/actions/runs/{runId}/cancel", null)).StatusCode);
        }
        await ActionsRepo.EventuallyAsync(QueuedAsync, v => v == before, "the cancelled job to leave the gauge");
    }
}

public sealed class ActionsStorageTestsOnSqlite(ActionsStorageSqliteServer s) : ActionsStorageTests(s), IClassFixture<ActionsStorageSqliteServer>;

public sealed class ActionsStorageTestsOnPostgres(ActionsStoragePostgresServer s) : ActionsStorageTests(s), IClassFixture<ActionsStoragePostgresServer>;

/// <summary>The same scenarios with <c>STORAGE_TYPE=s3</c> against s3rver, checking the bucket itself.</summary>
public sealed class ActionsStorageTestsOnS3(ActionsStorageS3Server s) : ActionsStorageScenarios(s), IClassFixture<ActionsStorageS3Server>
{
    protected override async Task<bool> StoredAsync(string key)
    {
        Assert.IsType<S3BlobStore>(Server.Services.GetRequiredService<IBlobStore>());
        using var s3 = new AmazonS3Client(S3Sandbox.AccessKey, S3Sandbox.SecretKey,
            new AmazonS3Config { ServiceURL = S3Sandbox.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Sandbox.Bucket, Prefix = key });
        return (listed.S3Objects ?? []).Any(o => o.Key == key);
    }

    [Fact]
    public async Task Real_runner_uploads_artifacts_and_the_finished_log_moves_to_the_blob_store()
    {
        await S3Sandbox.EnsureStartedAsync();
        await Real_runner_uploads_artifacts_and_the_finished_log_moves_to_the_blob_store_scenario();
        Assert.False(Directory.Exists(Path.Combine(Server.DataDir, "storage", "actions")));
    }

    [Fact]
    public async Task Uploads_are_capped_named_unique_and_spend_the_job_token()
    {
        await S3Sandbox.EnsureStartedAsync();
        await Uploads_are_capped_named_unique_and_spend_the_job_token_scenario();
    }
}
