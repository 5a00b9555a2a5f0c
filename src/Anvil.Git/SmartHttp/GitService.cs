namespace Anvil.Git.SmartHttp;

/// <summary>One of the two services smart HTTP exposes, with the names and content types that go with it.</summary>
public sealed class GitService
{
    public static readonly GitService UploadPack = new("upload-pack");
    public static readonly GitService ReceivePack = new("receive-pack");

    private GitService(string command)
    {
        Command = command;
    }

    /// <summary>The git subcommand: "upload-pack" or "receive-pack".</summary>
    public string Command { get; }

    /// <summary>The protocol name: "git-upload-pack" (the <c>?service=</c> value and the POST path segment).</summary>
    public string Name => "git-" + Command;

    /// <summary>Content type of the <c>GET info/refs?service=…</c> response.</summary>
    public string AdvertisementContentType => $"application/x-{Name}-advertisement";

    /// <summary>Content type a client must send with <c>POST …/git-…</c>.</summary>
    public string RequestContentType => $"application/x-{Name}-request";

    /// <summary>Content type of the <c>POST …/git-…</c> response.</summary>
    public string ResultContentType => $"application/x-{Name}-result";

    /// <summary>
    /// Parses a service name as it appears in <c>?service=git-upload-pack</c> or in the POST path
    /// ("git-upload-pack" / "git-receive-pack"). Anything else is rejected.
    /// </summary>
    public static bool TryParse(string? name, out GitService service)
    {
        service = name switch
        {
            "git-upload-pack" => UploadPack,
            "git-receive-pack" => ReceivePack,
            _ => null!,
        };
        return service is not null;
    }

    public override string ToString() => Name;
}
