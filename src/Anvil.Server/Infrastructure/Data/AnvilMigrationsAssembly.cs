using System.Reflection;
using System.Reflection.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;

namespace Anvil.Server.Infrastructure.Data;

/// <summary>
/// EF's migrations assembly, finding the migrations and the model snapshot among the types of the migrations
/// namespace only. EF's own looks at every type of the assembly, which loads them all (thousands, with the S3 and
/// HTTP assemblies they name) into memory the server keeps for its lifetime (issue 21, idle memory). The names are
/// read from the assembly's metadata, which loads nothing; then only the types under <see cref="Namespace"/> are
/// loaded and judged exactly as EF judges them. A test checks the answer is EF's.
/// </summary>
#pragma warning disable EF1001 // MigrationsAssembly is EF's internal API; only its two discovery properties are replaced.
public sealed class AnvilMigrationsAssembly(
    ICurrentDbContext currentContext,
    IDbContextOptions options,
    IMigrationsIdGenerator idGenerator,
    IDiagnosticsLogger<DbLoggerCategory.Migrations> logger)
    : MigrationsAssembly(currentContext, options, idGenerator, logger)
{
    public const string Namespace = "Anvil.Server.Infrastructure.Data.Migrations";

    private readonly Type _contextType = currentContext.Context.GetType();
    private IReadOnlyList<TypeInfo>? _candidates;
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private Lazy<ModelSnapshot?>? _snapshot;

    public override IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= FindMigrations();

    public override ModelSnapshot? ModelSnapshot => (_snapshot ??= new(() =>
        Candidates().FirstOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)) && ForThisContext(t)) is { } type
            ? (ModelSnapshot)Activator.CreateInstance(type)!
            : null)).Value;

    private SortedList<string, TypeInfo> FindMigrations()
    {
        var found = new SortedList<string, TypeInfo>();
        foreach (var type in Candidates().Where(t => t.IsSubclassOf(typeof(Migration)) && ForThisContext(t)))
        {
            // EF skips a migration without its attribute (with a warning): it cannot be ordered or recorded.
            if (type.GetCustomAttribute<MigrationAttribute>()?.Id is { } id)
            {
                found.Add(id, type);
            }
        }
        return found;
    }

    private bool ForThisContext(TypeInfo type) => type.GetCustomAttribute<DbContextAttribute>()?.ContextType == _contextType;

    /// <summary>
    /// The concrete top-level classes under <see cref="Namespace"/>, found by name in the metadata the runtime already
    /// holds for the loaded assembly (no file is read, and a single-file bundle has it too); read once.
    /// </summary>
    private IReadOnlyList<TypeInfo> Candidates() => _candidates ??= ReadCandidates();

    private unsafe List<TypeInfo> ReadCandidates()
    {
        if (!Assembly.TryGetRawMetadata(out var blob, out var length))
        {
            throw new InvalidOperationException($"the metadata of {Assembly.GetName().Name} cannot be read");
        }
        var metadata = new MetadataReader(blob, length);
        var names = new List<string>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var definition = metadata.GetTypeDefinition(handle);
            var ns = metadata.GetString(definition.Namespace);
            if (definition.GetDeclaringType().IsNil && (ns == Namespace || ns.StartsWith(Namespace + ".", StringComparison.Ordinal)))
            {
                names.Add(ns + "." + metadata.GetString(definition.Name));
            }
        }
        return names
            .Select(name => Assembly.GetType(name, throwOnError: true)!.GetTypeInfo())
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false })
            .ToList();
    }
}
#pragma warning restore EF1001
