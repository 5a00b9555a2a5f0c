using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace Anvil.Git.SmartHttp;

/// <summary>
/// The git side of the smart HTTP protocol: the server's endpoints hand over the request and response streams,
/// this runs <c>git upload-pack</c> / <c>git receive-pack</c> in stateless-rpc mode between them.
/// </summary>
/// <remarks>
/// To learn exactly which refs a push changed, receive-pack runs with <c>core.hooksPath</c> pointing at a
/// directory Anvil owns. Its post-receive hook appends the "old new ref" lines git gives it to the file named
/// by <see cref="PushLogVariable"/>, which is a fresh temp file per request. Git only feeds post-receive the
/// refs it actually updated, and each request has its own file, so the list is exact even when pushes to the
/// same repository race. Pointing hooksPath at our directory also means hooks inside a repository never run.
/// </remarks>
public sealed class SmartHttpService
{
    internal const string PushLogVariable = "ANVIL_PUSH_LOG";

    private const string PostReceiveHook = """
        #!/bin/sh
        # Written by Anvil; overwritten at every start. Records the refs a push updated for the request that
        # started receive-pack (Anvil names a fresh file per request in $ANVIL_PUSH_LOG).
        [ -n "$ANVIL_PUSH_LOG" ] || exit 0
        exec cat >>"$ANVIL_PUSH_LOG"

        """;

    private const int CopyBufferSize = 64 * 1024;

    private readonly string _hooksDir;

    /// <param name="hooksDir">A directory only Anvil writes to (e.g. <c>&lt;data&gt;/hooks</c>); the hook scripts
    /// are (re)written there now.</param>
    public SmartHttpService(string hooksDir)
    {
        _hooksDir = Path.GetFullPath(hooksDir);
        InstallHook("post-receive", PostReceiveHook);
    }

    public string HooksDir => _hooksDir;

    /// <summary>
    /// Answers <c>GET info/refs?service=…</c>: the <c># service=…</c> preamble (protocol v0/v1 only; for v2 git's
    /// own capability advertisement is the whole response) followed by git's ref advertisement.
    /// Send it with <see cref="GitService.AdvertisementContentType"/>. Pass the same <paramref name="opts"/> as for
    /// the POST that follows: for v2 the advertised capabilities (e.g. filter) depend on them.
    /// </summary>
    /// <exception cref="ArgumentException">The Git-Protocol header is not acceptable (answer 400).</exception>
    public async Task<GitServiceResult> AdvertiseRefsAsync(string gitDir, GitService svc, string? gitProtocolHeader,
        Stream output, ServiceOptions opts, CancellationToken ct)
    {
        var env = ProtocolEnvironment(gitProtocolHeader);
        RequireRepository(gitDir);
        // receive-pack has no v2; it falls back to v0 and then the client expects the preamble.
        if (svc != GitService.UploadPack || !GitProtocolHeader.IsVersion2(gitProtocolHeader))
        {
            await output.WriteAsync(PktLine($"# service={svc.Name}\n"), ct);
            await output.WriteAsync("0000"u8.ToArray(), ct);
        }
        var args = ServiceArguments(gitDir, svc, opts, advertiseRefs: true);
        var (exitCode, stderr) = await RunPipedAsync(args, env, input: null, requestIsGzip: false, output, ct);
        return new GitServiceResult(exitCode, stderr, []);
    }

    /// <summary>
    /// Answers <c>POST …/git-upload-pack</c> or <c>POST …/git-receive-pack</c>: streams the request body into git
    /// and git's output into <paramref name="output"/> as it comes, without buffering either. Send the response
    /// with <see cref="GitService.ResultContentType"/>. For receive-pack the result lists the refs this push changed.
    /// </summary>
    /// <exception cref="ArgumentException">The Git-Protocol header is not acceptable (answer 400).</exception>
    /// <exception cref="InvalidDataException">The body claimed to be gzip but is not.</exception>
    public async Task<GitServiceResult> RunServiceAsync(string gitDir, GitService svc, Stream requestBody, bool requestIsGzip,
        string? gitProtocolHeader, Stream output, ServiceOptions opts, CancellationToken ct)
    {
        var env = ProtocolEnvironment(gitProtocolHeader);
        RequireRepository(gitDir);
        var args = ServiceArguments(gitDir, svc, opts, advertiseRefs: false);
        if (svc != GitService.ReceivePack)
        {
            var (code, err) = await RunPipedAsync(args, env, requestBody, requestIsGzip, output, ct);
            return new GitServiceResult(code, err, []);
        }

        var pushLog = Path.Combine(Path.GetTempPath(), $"anvil-push-{Guid.NewGuid():N}.log");
        env[PushLogVariable] = pushLog;
        try
        {
            var (exitCode, stderr) = await RunPipedAsync(args, env, requestBody, requestIsGzip, output, ct);
            return new GitServiceResult(exitCode, stderr, await ReadPushLogAsync(pushLog, ct));
        }
        finally
        {
            File.Delete(pushLog);
        }
    }

    /// <summary>
    /// The git command line for a service. Policy goes in <c>-c</c> options, which override anything in the
    /// repository's own config.
    /// </summary>
    private List<string> ServiceArguments(string gitDir, GitService svc, ServiceOptions opts, bool advertiseRefs)
    {
        var args = new List<string>();
        void Config(string key, string value)
        {
            args.Add("-c");
            args.Add($"{key}={value}");
        }

        if (svc == GitService.UploadPack)
        {
            // Shallow fetches need no setting. Partial clone needs filters, and its lazy blob fetches over v0/v1
            // want objects by id that no ref tip advertises; allowReachableSHA1InWant only checks commits, so
            // "any" is the setting that works.
            var partial = opts.AllowPartialClone ? "true" : "false";
            Config("uploadpack.allowFilter", partial);
            Config("uploadpack.allowAnySHA1InWant", partial);
        }
        else
        {
            Config("core.hooksPath", _hooksDir);
            Config("receive.denyNonFastForwards", "false"); // force pushes are allowed; protection is the server's call
            Config("receive.denyDeletes", "false");
            Config("receive.denyDeleteCurrent", opts.AllowDeletingDefaultBranch ? "ignore" : "refuse");
            if (opts.MaxPushSizeBytes is { } max)
            {
                Config("receive.maxInputSize", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        args.Add(svc.Command);
        args.Add("--stateless-rpc");
        if (advertiseRefs)
        {
            args.Add("--advertise-refs");
        }
        if (svc == GitService.UploadPack)
        {
            args.Add("--strict"); // use exactly this directory; do not try "<dir>/.git" or "<dir>.git"
        }
        args.Add(gitDir);
        return args;
    }

    private static Dictionary<string, string> ProtocolEnvironment(string? gitProtocolHeader)
    {
        if (!GitProtocolHeader.IsValid(gitProtocolHeader))
        {
            throw new ArgumentException($"unacceptable Git-Protocol header '{gitProtocolHeader}'", nameof(gitProtocolHeader));
        }
        var env = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(gitProtocolHeader))
        {
            env["GIT_PROTOCOL"] = gitProtocolHeader;
        }
        return env;
    }

    private static void RequireRepository(string gitDir)
    {
        if (!Directory.Exists(gitDir))
        {
            throw new DirectoryNotFoundException($"no repository at {gitDir}");
        }
    }

    /// <summary>
    /// Runs git with <paramref name="input"/> streaming into its stdin while its stdout streams into
    /// <paramref name="output"/>, both at once (git may answer before it has read everything, and neither side
    /// may block the other). If either side fails (client gone, cancellation) git is killed.
    /// </summary>
    private static async Task<(int ExitCode, string Stderr)> RunPipedAsync(IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> env, Stream? input, bool requestIsGzip, Stream output, CancellationToken ct)
    {
        using var process = GitCli.Start(null, args, env);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stderrTask = process.StandardError.ReadToEndAsync(cts.Token);
        var pending = new List<Task>
        {
            FeedStdinAsync(process, input, requestIsGzip, cts.Token),
            CopyAndFlushAsync(process.StandardOutput.BaseStream, output, cts.Token),
        };
        try
        {
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending);
                pending.Remove(done);
                await done; // rethrows the first failure right away instead of waiting for the other side
            }
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stderrTask);
        }
        catch
        {
            cts.Cancel();
            GitCli.TryKill(process);
            await Task.WhenAll(pending.Append(stderrTask)).ContinueWith(_ => { }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private static async Task FeedStdinAsync(Process process, Stream? input, bool requestIsGzip, CancellationToken ct)
    {
        var stdin = process.StandardInput.BaseStream;
        try
        {
            if (input is null)
            {
                return;
            }
            await using var source = requestIsGzip ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : null;
            var reader = source ?? input;
            var buffer = new byte[CopyBufferSize];
            int n;
            while ((n = await reader.ReadAsync(buffer, ct)) > 0) // a failing read (client gone, bad gzip) propagates
            {
                try
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                catch (IOException)
                {
                    // git stopped reading (e.g. a push over receive.maxInputSize); its exit code and output say why.
                    return;
                }
            }
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task CopyAndFlushAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[CopyBufferSize];
        int n;
        while ((n = await from.ReadAsync(buffer, ct)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), ct);
            // Flush each chunk: progress messages and keep-alives must reach the client while git works.
            await to.FlushAsync(ct);
        }
    }

    private static async Task<IReadOnlyList<RefChange>> ReadPushLogAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return []; // post-receive only runs when at least one ref was updated
        }
        var changes = new List<RefChange>();
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            // "<old-oid> SP <new-oid> SP <ref-name>"; ref names cannot contain spaces.
            var parts = line.Split(' ');
            if (parts.Length == 3)
            {
                changes.Add(new RefChange(parts[2], parts[0], parts[1]));
            }
        }
        return changes;
    }

    private static byte[] PktLine(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        return [.. Encoding.ASCII.GetBytes((bytes.Length + 4).ToString("x4")), .. bytes];
    }

    /// <summary>Writes a hook script atomically (temp file then rename) so a running push never sees half a script.</summary>
    private void InstallHook(string name, string script)
    {
        Directory.CreateDirectory(_hooksDir);
        var target = Path.Combine(_hooksDir, name);
        var tmp = target + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, script.ReplaceLineEndings("\n"), new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        File.Move(tmp, target, overwrite: true);
    }
}
