using Anvil.Git.Storage;

namespace Anvil.Git.Merging;

public enum MergeStatus
{
    /// <summary>Head is already contained in base: there is nothing to merge.</summary>
    UpToDate,
    /// <summary>Base is an ancestor of head: head's tree is the result, no content merge needed.</summary>
    FastForward,
    /// <summary>Both sides moved and git merged them without conflicts.</summary>
    Clean,
    /// <summary>Both sides moved and some paths conflict.</summary>
    Conflicts,
    /// <summary>Base and head have no common ancestor (GitHub refuses these too).</summary>
    UnrelatedHistories,
}

/// <summary>
/// What merging <see cref="HeadOid"/> into <see cref="BaseOid"/> would give. <see cref="TreeOid"/> is the tree a
/// merge or squash commit would have; it is null unless <see cref="CanMerge"/>.
/// </summary>
public sealed record MergeAnalysis(
    string BaseOid,
    string HeadOid,
    string? MergeBaseOid,
    MergeStatus Status,
    string? TreeOid,
    IReadOnlyList<string> ConflictingPaths)
{
    public bool CanMerge => Status is MergeStatus.FastForward or MergeStatus.Clean;
}

public enum RebaseStatus
{
    /// <summary>Every commit was replayed; <see cref="RebaseResult.NewHeadOid"/> is the new tip.</summary>
    Rebased,
    /// <summary>Head has no commits that base lacks; <see cref="RebaseResult.NewHeadOid"/> is base.</summary>
    UpToDate,
    /// <summary>Replaying <see cref="RebaseResult.ConflictingCommitOid"/> conflicted; nothing is usable.</summary>
    Conflicts,
}

/// <summary>
/// The outcome of replaying head's commits onto base. <see cref="NewCommitOids"/> are the replayed commits,
/// oldest first (commits that became empty because base already had their change are dropped, as git rebase does).
/// </summary>
public sealed record RebaseResult(
    RebaseStatus Status,
    string? NewHeadOid,
    IReadOnlyList<string> NewCommitOids,
    string? ConflictingCommitOid,
    IReadOnlyList<string> ConflictingPaths);

/// <summary>A merge or squash was asked for although <see cref="Analysis"/> says it cannot be done.</summary>
public sealed class MergeNotPossibleException(MergeAnalysis analysis)
    : InvalidOperationException($"cannot merge {analysis.HeadOid} into {analysis.BaseOid}: {analysis.Status}")
{
    public MergeAnalysis Analysis { get; } = analysis;
}
