namespace Anvil.Git.Storage;

/// <summary>What <c>git fsck</c> found: <see cref="Healthy"/> when git reported no problem.</summary>
public sealed record FsckReport(bool Healthy, string Output);
