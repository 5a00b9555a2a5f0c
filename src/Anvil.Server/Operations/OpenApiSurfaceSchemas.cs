using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Anvil.Server.Operations;

/// <summary>
/// Request and response schemas in the shape a client really sees on each surface. The framework's
/// schema generator knows one set of JSON options; Anvil writes the same CLR types camelCase on the
/// sigmagit surface and snake_case on v1 (<see cref="Surfaces"/>). So the schemas of declared request
/// and response types are generated here, from the surface's own <see cref="JsonSerializerOptions"/>
/// (the ones <see cref="ApiJson"/> reads and writes with), for the surface the operation's path is on.
/// A type's component id is its name; a type shown on both surfaces gets one component per surface.
/// Every API failure is the <c>{"error": …}</c> envelope: one shared <c>Error</c> schema for 4XX/5XX, and on v1
/// <c>V1Error</c>, the same envelope with GitHub's fields beside it (<see cref="ErrorBodies"/>).
/// </summary>
public static class OpenApiSurfaceSchemas
{
    public const string ErrorSchemaId = "Error";
    public const string V1ErrorSchemaId = "V1Error";

    public static void AddSurfaceSchemas(this OpenApiOptions options)
    {
        // The framework's own (single-naming) schemas stay inline and are replaced below; none become components.
        options.CreateSchemaReferenceId = _ => null;
        options.AddOperationTransformer((operation, context, _) =>
        {
            var path = "/" + context.Description.RelativePath?.TrimStart('/');
            var surface = Surfaces.OfPath(path);
            if (surface is null)
            {
                return Task.CompletedTask;
            }
            var schemas = Generators.GetValue(context.Document!, d => new Generator(d));
            Describe(operation, context.Description, surface.Value, schemas);
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            if (Generators.TryGetValue(document, out var schemas))
            {
                document.Components ??= new OpenApiComponents();
                document.Components.Schemas = schemas.Components;
            }
            return Task.CompletedTask;
        });
    }

    private static readonly ConditionalWeakTable<OpenApiDocument, Generator> Generators = new();

    private static void Describe(OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description,
        ApiSurface surface, Generator schemas)
    {
        // A handler that answers one status with either of two types (Results<A, B>) declares both: oneOf.
        // (Read from the endpoint metadata: the API explorer keeps one type per status.)
        var declared = description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(r => r.Type is not null && r.Type != typeof(void));
        foreach (var status in declared.GroupBy(r => r.StatusCode))
        {
            if (operation.Responses?.GetValueOrDefault(status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))
                is not OpenApiResponse { Content: { } content })
            {
                continue;
            }
            var types = status.Select(r => r.Type!).Distinct().ToList();
            foreach (var media in content.Values.OfType<OpenApiMediaType>())
            {
                media.Schema = types.Count == 1
                    ? schemas.For(types[0], surface, forResponse: true)
                    : new OpenApiSchema { OneOf = types.Select(t => schemas.For(t, surface, forResponse: true)).ToList() };
            }
        }
        // The request body: JsonBody<T> declares T without content types (see BodyMetadata); it is JSON.
        if (description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>().LastOrDefault() is { RequestType: { } bodyType } accepts)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = !accepts.IsOptional,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schemas.For(bodyType, surface, forResponse: false) },
                },
            };
        }
        // The lazy body binder is a parameter only to carry that metadata: it is not a query parameter.
        if (operation.Parameters is { } parameters)
        {
            var custom = description.ParameterDescriptions.Where(p => p.Source == BindingSource.Custom).Select(p => p.Name).ToHashSet();
            foreach (var p in parameters.Where(p => p.Name is not null && custom.Contains(p.Name)).ToList())
            {
                parameters.Remove(p);
            }
        }
        operation.Responses ??= new OpenApiResponses();
        foreach (var range in (string[])["4XX", "5XX"])
        {
            operation.Responses[range] = new OpenApiResponse
            {
                Description = "Failure: the error envelope, with the conventional status",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schemas.ErrorFor(surface) },
                },
            };
        }
    }

    /// <summary>Builds schemas from <see cref="JsonTypeInfo"/> contracts: exactly the names and shapes the serializer writes.</summary>
    private sealed class Generator(OpenApiDocument document)
    {
        private readonly Dictionary<(Type, ApiSurface), string> ids = new();
        private readonly HashSet<string> taken = new(StringComparer.Ordinal);

        public Dictionary<string, IOpenApiSchema> Components { get; } = new(StringComparer.Ordinal);

        public IOpenApiSchema ErrorFor(ApiSurface surface)
        {
            var id = surface == ApiSurface.V1 ? V1ErrorSchemaId : ErrorSchemaId;
            if (!Components.ContainsKey(id))
            {
                taken.Add(id);
                Components[id] = surface == ApiSurface.V1 ? V1ErrorSchema() : ErrorSchema();
            }
            return new OpenApiSchemaReference(id, document);
        }

        private static OpenApiSchema ErrorSchema() => new()
        {
            Type = JsonSchemaType.Object,
            Description = "Every failure on every API surface: a human-readable message.",
            Properties = new Dictionary<string, IOpenApiSchema> { ["error"] = Text() },
            Required = new HashSet<string> { "error" },
        };

        private static OpenApiSchema V1ErrorSchema() => new()
        {
            Type = JsonSchemaType.Object,
            Description = "A v1 failure: the error envelope and GitHub's fields — message (GitHub's text where clients key on it), "
                + "documentation_url, and on a 422 the fields that failed validation.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["error"] = Text(),
                ["message"] = Text(),
                ["documentation_url"] = Text(),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["resource"] = Text(), ["field"] = Text(), ["code"] = Text(), ["message"] = Text(),
                        },
                        Required = new HashSet<string> { "resource", "code" },
                    },
                },
            },
            Required = new HashSet<string> { "error", "message", "documentation_url" },
        };

        private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

        public IOpenApiSchema For(Type type, ApiSurface surface, bool forResponse) =>
            Schema(type, surface == ApiSurface.V1 ? Surfaces.V1Json : Surfaces.SigmagitJson, surface, forResponse);

        private IOpenApiSchema Schema(Type type, JsonSerializerOptions json, ApiSurface surface, bool forResponse)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (Primitive(type, json) is { } primitive)
            {
                return primitive;
            }
            var info = json.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Enumerable:
                    return new OpenApiSchema { Type = JsonSchemaType.Array, Items = Schema(info.ElementType!, json, surface, forResponse) };
                case JsonTypeInfoKind.Dictionary:
                    return new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = Schema(info.ElementType!, json, surface, forResponse) };
                case JsonTypeInfoKind.Object when IsAnonymous(type):
                    return ObjectSchema(info, json, surface, forResponse); // inline: it has no name to give
                case JsonTypeInfoKind.Object:
                    if (!ids.TryGetValue((type, surface), out var id))
                    {
                        id = NewId(type, surface);
                        ids[(type, surface)] = id;
                        Components[id] = new OpenApiSchema(); // placeholder first: a type may refer to itself
                        Components[id] = ObjectSchema(info, json, surface, forResponse);
                    }
                    return new OpenApiSchemaReference(id, document);
                default:
                    return new OpenApiSchema(); // a custom converter or `object`: any JSON value
            }
        }

        private OpenApiSchema ObjectSchema(JsonTypeInfo info, JsonSerializerOptions json, ApiSurface surface, bool forResponse)
        {
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                Required = new HashSet<string>(StringComparer.Ordinal),
            };
            foreach (var p in info.Properties)
            {
                if (forResponse ? p.Get is null : p.Set is null && !p.IsRequired)
                {
                    continue;
                }
                var nullable = forResponse ? p.IsGetNullable : p.IsSetNullable;
                var property = Schema(p.PropertyType, json, surface, forResponse);
                schema.Properties[p.Name] = nullable ? OrNull(property) : property;
                // A response always carries a property unless it is left out conditionally (e.g. when null);
                // request fields are optional unless the type says otherwise.
                var conditional = p.ShouldSerialize is not null
                    || p.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true) == true;
                // A request field the service cannot do without says so with [Required] (documentation only: the
                // service's own check answers a missing one, in the surface's words).
                if (forResponse ? !conditional
                    : p.IsRequired || p.AttributeProvider?.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute), true) == true)
                {
                    schema.Required.Add(p.Name);
                }
            }
            return schema;
        }

        private static IOpenApiSchema OrNull(IOpenApiSchema schema)
        {
            if (schema is OpenApiSchema { Type: { } t } inline && inline.Properties is null or { Count: 0 })
            {
                inline.Type = t | JsonSchemaType.Null;
                return inline;
            }
            if (schema is OpenApiSchema { Type: null, OneOf: null } any && any.Properties is null or { Count: 0 })
            {
                return any; // already any value, null included
            }
            return new OpenApiSchema { OneOf = [schema, new OpenApiSchema { Type = JsonSchemaType.Null }] };
        }

        private static OpenApiSchema? Primitive(Type type, JsonSerializerOptions json)
        {
            if (type.IsEnum)
            {
                // The enum converter names values with the surface's naming policy: ask it.
                return new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = Enum.GetValues(type).Cast<object>().Select(v => JsonSerializer.SerializeToNode(v, type, json)!).ToList(),
                };
            }
            return type switch
            {
                _ when type == typeof(string) || type == typeof(char) => new OpenApiSchema { Type = JsonSchemaType.String },
                _ when type == typeof(bool) => new OpenApiSchema { Type = JsonSchemaType.Boolean },
                _ when type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ushort) =>
                    new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                _ when type == typeof(long) || type == typeof(ulong) => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => new OpenApiSchema { Type = JsonSchemaType.Number },
                _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                _ when type == typeof(Guid) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
                _ when type == typeof(Uri) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
                _ when type == typeof(byte[]) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte" },
                _ when type == typeof(JsonObject) => new OpenApiSchema { Type = JsonSchemaType.Object }, // free-form, the client's own
                _ when type == typeof(JsonArray) => new OpenApiSchema { Type = JsonSchemaType.Array },
                _ when type == typeof(object) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement) || type == typeof(JsonDocument) =>
                    new OpenApiSchema(),
                _ => null,
            };
        }

        private static bool IsAnonymous(Type type) =>
            type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);

        /// <summary><c>IssueViews.V1Issue</c> for nested types (the declaring class says which feature it belongs to).</summary>
        private string NewId(Type type, ApiSurface surface)
        {
            var id = Name(type);
            if (!taken.Add(id))
            {
                id += surface == ApiSurface.V1 ? ".v1" : ".sigmagit";
                for (var n = 2; !taken.Add(id); n++)
                {
                    id = $"{id}{n}";
                }
            }
            return id;
        }

        private static string Name(Type type)
        {
            var name = type.Name;
            if (type.IsGenericType)
            {
                name = name[..name.IndexOf('`')] + "Of" + string.Join("And", type.GetGenericArguments().Select(Name));
            }
            return type.DeclaringType is { } outer ? $"{Name(outer)}.{name}" : name;
        }
    }
}
