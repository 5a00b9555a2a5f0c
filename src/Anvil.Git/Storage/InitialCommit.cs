namespace Anvil.Git.Storage;

/// <summary>What to put in the first commit of a new repository (a README.md).</summary>
public sealed record InitialCommit(GitSignature Author, string RepositoryName, string? Description)
{
    internal byte[] ReadmeBytes()
    {
        var text = $"# {RepositoryName}\n";
        if (!string.IsNullOrWhiteSpace(Description))
        {
            text += $"\n{Description.Trim()}\n";
        }
        return System.Text.Encoding.UTF8.GetBytes(text);
    }
}
