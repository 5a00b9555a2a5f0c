namespace Anvil.Git.SmartHttp;

/// <summary>Per-request policy for <see cref="SmartHttpService.RunServiceAsync"/>.</summary>
public sealed record ServiceOptions
{
    /// <summary>receive-pack: reject pushes whose pack is larger than this many bytes (null: no limit).</summary>
    public long? MaxPushSizeBytes { get; init; }

    /// <summary>
    /// upload-pack: allow partial clone (<c>--filter=…</c>). This also lets clients want any object by id, which
    /// the lazy fetches of a partial clone need when they speak protocol v0/v1.
    /// </summary>
    public bool AllowPartialClone { get; init; } = true;

    /// <summary>
    /// receive-pack: allow a push to delete the branch HEAD points at. Off by default, like GitHub: the
    /// default branch cannot be deleted by a push.
    /// </summary>
    public bool AllowDeletingDefaultBranch { get; init; }

    public static ServiceOptions Default { get; } = new();
}
