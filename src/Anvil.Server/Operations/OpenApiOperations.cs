using System.Reflection;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Anvil.Server.Operations;

/// <summary>
/// What the OpenAPI document says of each operation beyond its schemas: a summary, a tag per feature and surface (the
/// feature is the folder of the handler, so a new route is tagged without being listed here), the ways to
/// authenticate, and which operations need a signed-in caller and which scope a token must hold.
/// </summary>
public static class OpenApiOperations
{
    public const string SessionCookie = "sessionCookie";
    public const string Bearer = "bearer";
    public const string AccessToken = "personalAccessToken";
    public const string GitBasic = "gitBasic";

    public static void AddOperationDescriptions(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            var description = context.Description;
            var path = "/" + description.RelativePath?.TrimStart('/');
            var surface = Surfaces.OfPath(path);
            var feature = FeatureOf(description.ActionDescriptor.EndpointMetadata);
            var tag = surface switch
            {
                ApiSurface.V1 => $"{feature} (v1)",
                ApiSurface.Sigmagit => $"{feature} (sigmagit)",
                _ when path.EndsWith("/info/refs") || path.Contains("/git-") => "Git smart HTTP",
                _ => feature,
            };
            operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };
            if (string.IsNullOrEmpty(operation.Summary))
            {
                operation.Summary = OpenApiSummaries.For(description.HttpMethod ?? "GET", path);
            }
            if (description.ActionDescriptor.EndpointMetadata.OfType<SignInRequired>().LastOrDefault() is { } required)
            {
                var requirement = new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SessionCookie, context.Document)] = [],
                    [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [],
                };
                var alternatives = new List<OpenApiSecurityRequirement> { requirement };
                if (!required.SessionOnly)
                {
                    alternatives.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(AccessToken, context.Document)] = required.Scope is { } s ? [s] : [],
                    });
                }
                operation.Security = alternatives;
                var needs = required.SessionOnly ? "Needs a signed-in session (not an access token)."
                    : required.Scope is { } scope ? $"Needs a signed-in caller; an access token needs the `{scope}` scope."
                    : "Needs a signed-in caller.";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : operation.Description + "\n\n" + needs;
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Anvil";
            document.Info.Description = "Two REST surfaces over one set of rules: the sigmagit surface (`/auth`, `/api`: camelCase, " +
                "sessions) and the GitHub-shaped v1 surface (`/api/v1`: snake_case, personal access tokens, Link pagination).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [SessionCookie] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = AuthenticationMiddleware.SessionCookie,
                    Description = "The session cookie set by sign-in. Unsafe requests must come from the instance's own origin and carry JSON or multipart.",
                },
                [Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer",
                    Description = "`Authorization: Bearer <session token>` (the token sign-in answers) or a personal access token.",
                },
                [AccessToken] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "Authorization",
                    Description = "A personal access token (`shp_…`) as `Authorization: token <pat>` or `Bearer <pat>`; scopes limit what it may do.",
                },
                [GitBasic] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "basic",
                    Description = "git smart HTTP: your username and your password or a personal access token.",
                },
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>The feature folder of the handler (<c>Anvil.Server.Issues</c> → <c>Issues</c>).</summary>
    private static string FeatureOf(IEnumerable<object> metadata)
    {
        var ns = metadata.OfType<MethodInfo>().FirstOrDefault()?.DeclaringType?.Namespace ?? "";
        var parts = ns.Split('.');
        return parts.Length >= 3 && parts[0] == "Anvil" && parts[1] == "Server" ? parts[2] : "Other";
    }
}
