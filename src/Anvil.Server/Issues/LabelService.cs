using System.Text.RegularExpressions;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

public static partial class LabelRules
{
    public const int MaxName = 50;
    public const int MaxDescription = 100;

    [GeneratedRegex("^#?[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public static string ValidName(string? name)
    {
        var n = name?.Trim() ?? throw AnvilException.BadRequest("name is required");
        if (n.Length is 0 or > MaxName || n.Any(char.IsControl))
        {
            throw AnvilException.Invalid($"label name must be 1 to {MaxName} printable characters");
        }
        if (n.Contains(','))
        {
            // Lists filter by comma-separated names, so a comma would make a label unfilterable.
            throw AnvilException.Invalid("label name must not contain a comma");
        }
        return n;
    }

    /// <summary>Six hex digits, with or without a leading '#'; stored lower-case without it.</summary>
    public static string ValidColor(string? color)
    {
        var c = color ?? throw AnvilException.BadRequest("color is required");
        return ColorPattern().IsMatch(c) ? c.TrimStart('#').ToLowerInvariant() : throw AnvilException.Invalid("color must be six hex digits, e.g. d73a4a");
    }

    public static string ValidDescription(string? description)
    {
        var d = (description ?? "").Trim();
        return d.Length <= MaxDescription ? d : throw AnvilException.Invalid($"label description must be at most {MaxDescription} characters");
    }
}

/// <summary>What a create or update asks for; null leaves a field as it is (create needs name and color).</summary>
public sealed record LabelInput(string? Name, string? Color, string? Description);

/// <summary>The rules of a repository's labels: anyone who sees the repository reads them, writers manage them.</summary>
public sealed class LabelService(AnvilDbContext db, TimeProvider clock)
{
    /// <summary>GitHub's default set, created with every repository.</summary>
    public static readonly IReadOnlyList<(string Name, string Color, string Description)> Defaults =
    [
        ("bug", "d73a4a", "Something isn't working"),
        ("documentation", "0075ca", "Improvements or additions to documentation"),
        ("duplicate", "cfd3d7", "This issue or pull request already exists"),
        ("enhancement", "a2eeef", "New feature or request"),
        ("good first issue", "7057ff", "Good for newcomers"),
        ("help wanted", "008672", "Extra attention is needed"),
        ("invalid", "e4e669", "This doesn't seem right"),
        ("question", "d876e3", "Further information is requested"),
        ("wontfix", "ffffff", "This will not be worked on"),
    ];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<Page<Label>> ListAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct) =>
        db.Labels.Where(l => l.RepositoryId == grant.Repository.Id).OrderBy(l => l.NormalizedName).ThenBy(l => l.Id).ToPageAsync(offset, limit, ct);

    public Task<Label> GetAsync(RepositoryGrant grant, LabelKey key, CancellationToken ct) => FindAsync(grant.Repository.Id, key, ct);

    public async Task<Label> CreateAsync(RepositoryGrant grant, LabelInput input, CancellationToken ct)
    {
        grant.Require(RepositoryPermission.Write);
        var labelName = LabelRules.ValidName(input.Name);
        var label = new Label
        {
            RepositoryId = grant.Repository.Id,
            Name = labelName,
            NormalizedName = LabelRules.Normalize(labelName),
            Color = LabelRules.ValidColor(input.Color),
            Description = LabelRules.ValidDescription(input.Description),
            CreatedAt = Now,
        };
        await EnsureNameFreeAsync(label.RepositoryId, label.NormalizedName, null, ct);
        db.Labels.Add(label);
        await SaveAsync(ct);
        return label;
    }

    public async Task<Label> UpdateAsync(RepositoryGrant grant, LabelKey key, LabelInput input, CancellationToken ct)
    {
        grant.Require(RepositoryPermission.Write);
        var label = await FindAsync(grant.Repository.Id, key, ct);
        if (input.Name is not null)
        {
            var newName = LabelRules.ValidName(input.Name);
            var normalized = LabelRules.Normalize(newName);
            await EnsureNameFreeAsync(label.RepositoryId, normalized, label.Id, ct);
            label.Name = newName;
            label.NormalizedName = normalized;
        }
        if (input.Color is not null)
        {
            label.Color = LabelRules.ValidColor(input.Color);
        }
        if (input.Description is not null)
        {
            label.Description = LabelRules.ValidDescription(input.Description);
        }
        await SaveAsync(ct);
        return label;
    }

    public async Task DeleteAsync(RepositoryGrant grant, LabelKey key, CancellationToken ct)
    {
        grant.Require(RepositoryPermission.Write);
        var label = await FindAsync(grant.Repository.Id, key, ct);
        db.Labels.Remove(label); // its issue links go with it (cascade)
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The labels named (case-insensitively), in the order given, duplicates dropped; an unknown name is refused.</summary>
    public async Task<List<Label>> ResolveAsync(long repositoryId, IEnumerable<string> names, CancellationToken ct)
    {
        var wanted = names.Select(n => n?.Trim() ?? "").Where(n => n.Length > 0).ToList();
        var normalized = wanted.Select(LabelRules.Normalize).Distinct().ToList();
        if (normalized.Count == 0)
        {
            return [];
        }
        var found = await db.Labels.Where(l => l.RepositoryId == repositoryId && normalized.Contains(l.NormalizedName)).ToListAsync(ct);
        var byName = found.ToDictionary(l => l.NormalizedName);
        if (normalized.FirstOrDefault(n => !byName.ContainsKey(n)) is { } missing)
        {
            throw AnvilException.Invalid($"label '{wanted.First(w => LabelRules.Normalize(w) == missing)}' does not exist in this repository");
        }
        return normalized.Select(n => byName[n]).ToList();
    }

    /// <summary>Adds the default set to a new repository.</summary>
    public async Task CreateDefaultsAsync(long repositoryId, CancellationToken ct)
    {
        db.Labels.AddRange(Defaults.Select(d => new Label
        {
            RepositoryId = repositoryId,
            Name = d.Name,
            NormalizedName = LabelRules.Normalize(d.Name),
            Color = d.Color,
            Description = d.Description,
            IsDefault = true,
            CreatedAt = Now,
        }));
        await db.SaveChangesAsync(ct);
    }

    private async Task<Label> FindAsync(long repositoryId, LabelKey key, CancellationToken ct)
    {
        var query = db.Labels.Where(l => l.RepositoryId == repositoryId);
        query = key.Id is { } id ? query.Where(l => l.Id == id) : query.Where(l => l.NormalizedName == LabelRules.Normalize(key.Name ?? ""));
        return await query.FirstOrDefaultAsync(ct) ?? throw AnvilException.NotFound("label not found");
    }

    private async Task EnsureNameFreeAsync(long repositoryId, string normalizedName, long? exceptId, CancellationToken ct)
    {
        if (await db.Labels.AnyAsync(l => l.RepositoryId == repositoryId && l.NormalizedName == normalizedName && l.Id != exceptId, ct))
        {
            throw AnvilException.Taken("Label", "name", "a label with that name already exists");
        }
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw AnvilException.Taken("Label", "name", "a label with that name already exists"); // lost a race to the unique index
        }
    }
}

/// <summary>A label named by id (sigmagit) or by name (v1).</summary>
public readonly record struct LabelKey(long? Id, string? Name)
{
    public static LabelKey ById(string id) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? new LabelKey(v, null) : throw AnvilException.NotFound("label not found");

    public static LabelKey ByName(string name) => new(null, name);
}

/// <summary>Every new repository starts with the default labels, forks included (labels are per repository).</summary>
public sealed class DefaultLabelsForNewRepositories(LabelService labels) : IDomainEventHandler<RepositoryCreated>, IDomainEventHandler<RepositoryForked>
{
    public Task HandleAsync(RepositoryCreated evt, CancellationToken ct) => labels.CreateDefaultsAsync(evt.Repository.Id, ct);

    public Task HandleAsync(RepositoryForked evt, CancellationToken ct) => labels.CreateDefaultsAsync(evt.Fork.Id, ct);
}
