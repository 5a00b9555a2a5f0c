using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Anvil.Server.Operations;

/// <summary>
/// One archive (<c>.tar.gz</c>) of an instance, taken while it runs: a consistent snapshot of the database (SQLite's
/// online backup, or <c>pg_dump</c>), then every repository, the local blobs and the signing keys. Restoring it into an
/// empty data directory (and an empty database) gives the same instance back.
/// </summary>
public sealed class Backup(AnvilOptions options, TextWriter log)
{
    private const string ManifestName = "anvil-backup.json";
    private const string SqliteEntry = "database/anvil.db";
    private const string PostgresEntry = "database/anvil.pgdump";

    private sealed record Manifest(int Format, string Database, string Version, DateTime CreatedAt);

    public async Task CreateAsync(string file, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("anvil-backup-");
        var partial = file + ".partial";
        try
        {
            // The database first: a repository copied later may hold commits the snapshot does not name yet, never
            // the other way round (the database only points at objects that were pushed before it was written).
            var databaseEntry = options.UsePostgres ? PostgresEntry : SqliteEntry;
            var databaseCopy = Path.Combine(work.FullName, "database");
            if (options.UsePostgres)
            {
                await RunPgAsync("pg_dump", ["--format=custom", "--no-owner", "--file", databaseCopy], ct);
            }
            else
            {
                await using var source = new SqliteConnection($"Data Source={options.SqlitePath};Mode=ReadOnly;Pooling=False");
                await using var target = new SqliteConnection($"Data Source={databaseCopy};Pooling=False");
                await source.OpenAsync(ct);
                await target.OpenAsync(ct);
                source.BackupDatabase(target);
            }
            await using (var output = File.Create(partial))
            await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                var manifest = new Manifest(1, options.UsePostgres ? "postgres" : "sqlite", Meta.BuildInfo.Version, DateTime.UtcNow);
                var manifestPath = Path.Combine(work.FullName, ManifestName);
                await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(manifest), ct);
                await tar.WriteEntryAsync(manifestPath, ManifestName, ct);
                await tar.WriteEntryAsync(databaseCopy, databaseEntry, ct);
                var repositories = 0;
                if (Directory.Exists(options.RepositoriesDir))
                {
                    foreach (var gitDir in Directory.EnumerateDirectories(options.RepositoriesDir, "*.git", SearchOption.AllDirectories))
                    {
                        await AddRepositoryAsync(tar, gitDir, ct);
                        repositories++;
                    }
                }
                var blobs = 0;
                if (options.S3 is null && Directory.Exists(options.StorageLocalPath))
                {
                    foreach (var blob in Directory.EnumerateFiles(options.StorageLocalPath, "*", SearchOption.AllDirectories))
                    {
                        await AddFileAsync(tar, blob, "storage/" + Relative(options.StorageLocalPath, blob), ct);
                        blobs++;
                    }
                }
                var secret = Path.Combine(options.DataDir, "secret.key");
                if (File.Exists(secret))
                {
                    await tar.WriteEntryAsync(secret, "secret.key", ct);
                }
                // The data-protection keys that sign the pages' antiforgery tokens and cookies.
                var keys = Path.Combine(options.DataDir, "keys");
                if (Directory.Exists(keys))
                {
                    foreach (var key in Directory.EnumerateFiles(keys, "*", SearchOption.AllDirectories))
                    {
                        await AddFileAsync(tar, key, "keys/" + Relative(keys, key), ct);
                    }
                }
                await log.WriteLineAsync($"backed up the {manifest.Database} database, {repositories} repositories and {blobs} blobs");
            }
            File.Move(partial, file, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
            work.Delete(recursive: true);
        }
    }

    /// <summary>Restores into an empty data directory and, for PostgreSQL, an empty database; refuses anything else.</summary>
    public async Task RestoreAsync(string file, CancellationToken ct)
    {
        if (File.Exists(options.SqlitePath) || (Directory.Exists(options.RepositoriesDir) && Directory.EnumerateFileSystemEntries(options.RepositoriesDir).Any()))
        {
            throw AnvilException.Conflict($"{options.DataDir} already holds an instance: restore into an empty data directory");
        }
        if (options.UsePostgres && await PostgresHasTablesAsync(ct))
        {
            throw AnvilException.Conflict("the database is not empty: restore into a new, empty database");
        }
        var work = Directory.CreateTempSubdirectory("anvil-restore-");
        try
        {
            try
            {
                await using var input = File.OpenRead(file);
                await using var gzip = new GZipStream(input, CompressionMode.Decompress);
                await TarFile.ExtractToDirectoryAsync(gzip, work.FullName, overwriteFiles: false, ct);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw AnvilException.BadRequest($"{file} is not an Anvil backup: {e.Message}");
            }
            catch (FileNotFoundException)
            {
                throw AnvilException.NotFound($"no file {file}");
            }
            var manifestPath = Path.Combine(work.FullName, ManifestName);
            var manifest = File.Exists(manifestPath) ? JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifestPath, ct)) : null;
            if (manifest is not { Format: 1 })
            {
                throw AnvilException.BadRequest($"{file} is not an Anvil backup");
            }
            if (manifest.Database != (options.UsePostgres ? "postgres" : "sqlite"))
            {
                throw AnvilException.BadRequest($"the backup holds a {manifest.Database} database; set DATABASE_URL to match");
            }
            Directory.CreateDirectory(options.DataDir);
            if (options.UsePostgres)
            {
                await RunPgAsync("pg_restore", ["--no-owner", "--exit-on-error", Path.Combine(work.FullName, PostgresEntry)], ct);
            }
            else
            {
                File.Copy(Path.Combine(work.FullName, SqliteEntry), options.SqlitePath);
            }
            MoveTree(Path.Combine(work.FullName, "repositories"), options.RepositoriesDir);
            MoveTree(Path.Combine(work.FullName, "storage"), options.StorageLocalPath);
            MoveTree(Path.Combine(work.FullName, "keys"), Path.Combine(options.DataDir, "keys"));
            var secret = Path.Combine(work.FullName, "secret.key");
            if (File.Exists(secret))
            {
                // The instance's own key, over the one generated when this empty directory was first configured.
                File.Copy(secret, Path.Combine(options.DataDir, "secret.key"), overwrite: true);
            }
            await log.WriteLineAsync($"restored the {manifest.Database} database and data from a backup of {manifest.CreatedAt:O} ({manifest.Version})");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A repository's refs before its objects: a push that lands mid-copy writes its objects before moving a ref, so
    /// every ref copied names objects that are copied after it.
    /// </summary>
    private async Task AddRepositoryAsync(TarWriter tar, string gitDir, CancellationToken ct)
    {
        var files = Directory.EnumerateFiles(gitDir, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .OrderBy(f => Relative(gitDir, f).StartsWith("objects/", StringComparison.Ordinal) ? 1 : 0)
            .ToList();
        foreach (var f in files)
        {
            await AddFileAsync(tar, f, "repositories/" + Relative(options.RepositoriesDir, f), ct);
        }
    }

    private static async Task AddFileAsync(TarWriter tar, string path, string name, CancellationToken ct)
    {
        try
        {
            await tar.WriteEntryAsync(path, name, ct);
        }
        catch (FileNotFoundException)
        {
            // Gone between listing and reading (a loose object packed by gc, a temporary file): nothing to keep.
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static void MoveTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target);
        }
    }

    private async Task<bool> PostgresHasTablesAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(DatabaseSetup.PostgresConnectionString(options.DatabaseUrl!));
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    /// <summary>Runs pg_dump or pg_restore against the configured database; the password goes in the environment.</summary>
    private async Task RunPgAsync(string tool, string[] args, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseSetup.PostgresConnectionString(options.DatabaseUrl!));
        var psi = new ProcessStartInfo(FindPgTool(tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--host", cs.Host!, "--port", cs.Port.ToString(), "--dbname", cs.Database!])
        {
            psi.ArgumentList.Add(a);
        }
        if (!string.IsNullOrEmpty(cs.Username))
        {
            psi.ArgumentList.Add("--username");
            psi.ArgumentList.Add(cs.Username);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PGPASSWORD"] = cs.Password ?? "";
        psi.Environment["PGSSLMODE"] = cs.SslMode.ToString().ToLowerInvariant() switch { "require" => "require", "verifyca" => "verify-ca", "verifyfull" => "verify-full", "disable" => "disable", _ => "prefer" };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw AnvilException.BadRequest($"{tool} failed: {(await stderr).Trim()}");
        }
    }

    /// <summary>The PostgreSQL client tool on PATH, else Debian's newest, else beside the server in ANVIL_PG_BIN.</summary>
    private static string FindPgTool(string tool)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool))
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", tool))
                : []);
        return candidates.FirstOrDefault(File.Exists)
            ?? throw AnvilException.BadRequest($"{tool} is needed for a PostgreSQL backup: apt-get install postgresql-client");
    }
}
