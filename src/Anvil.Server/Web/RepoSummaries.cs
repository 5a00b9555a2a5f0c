using Anvil.Server.Repositories;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>Repositories as the pages' lists show them: counts in one query, each one's main language.</summary>
public sealed class RepoSummaries(RepositoryService repositories, RepositoryLanguages languages)
{
    public async Task<IReadOnlyList<RepoSummary>> ListAsync(IReadOnlyList<Repository> repos, CancellationToken ct)
    {
        var stats = await repositories.StatsAsync(repos.ToList(), ct);
        var summaries = new List<RepoSummary>(repos.Count);
        foreach (var r in repos)
        {
            var language = await languages.PrimaryAsync(r, ct);
            summaries.Add(WebRepositories.Summary(r, stats.GetValueOrDefault(r.Id)) with { Language = language?.Name, LanguageColor = language?.Color });
        }
        return summaries;
    }
}
