using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;
    private bool _snapshotFound;

    // An assembly with no file (a single-file bundle) has no metadata to read by path: EF's scan it is.
    private bool Readable => !string.IsNullOrEmpty(Assembly.Location);

    public override IReadOnlyDictionary<string, TypeInfo> Migrations => Readable ? _migrations ??= FindMigrations() : base.Migrations;

    public override ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!Readable)
            {
                return base.ModelSnapshot;
            }
            if (!_snapshotFound)
            {
                var type = CandidateTypes().FirstOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)) && ForThisContext(t));
                _snapshot = type is null ? null : (ModelSnapshot)Activator.CreateInstance(type)!;
                _snapshotFound = true;
            }
            return _snapshot;
        }
    }

    private SortedList<string, TypeInfo> FindMigrations()
    {
        var found = new SortedList<string, TypeInfo>();
        foreach (var type in CandidateTypes().Where(t => t.IsSubclassOf(typeof(Migration)) && ForThisContext(t)))
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

    /// <summary>The concrete top-level classes under <see cref="Namespace"/>, found by name in the metadata.</summary>
    private IEnumerable<TypeInfo> CandidateTypes()
    {
        var names = new List<string>();
        using (var file = File.OpenRead(Assembly.Location))
        using (var pe = new PEReader(file))
        {
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var definition = metadata.GetTypeDefinition(handle);
                var ns = metadata.GetString(definition.Namespace);
                if (definition.GetDeclaringType().IsNil && (ns == Namespace || ns.StartsWith(Namespace + ".", StringComparison.Ordinal)))
                {
                    names.Add(ns + "." + metadata.GetString(definition.Name));
                }
            }
        }
        return names
            .Select(name => Assembly.GetType(name, throwOnError: true)!.GetTypeInfo())
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false });
    }
}
#pragma warning restore EF1001
