using Anvil.Web.Ports;
using Anvil.Web.Rendering;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Web;

/// <summary>How the host wires the web interface in: its services, then its routes.</summary>
public static partial class WebInterface
{
    /// <summary>The reserved top-level names the pages and assets occupy (the host's user rules refuse them as usernames).</summary>
    public static readonly IReadOnlyList<string> TopLevelNames = ["login", "join", "logout", "forgot-password", "reset-password", "verify-email", "new", "search", "settings", "notifications", WebAssets.Folder];

    /// <summary>Registers the components; the host registers an implementation of every port in <c>Ports/</c> beside them.</summary>
    public static IServiceCollection AddAnvilWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<PageOwner>(PageOwner.Name));
        services.AddSingleton<CodeHighlighter>();
        return services;
    }

    /// <summary>
    /// Antiforgery for the pages' forms, after routing and authentication. A page posted without a valid token is
    /// refused here with the error page (the component endpoint would answer an empty 400) and changes nothing.
    /// </summary>
    public static IApplicationBuilder UseAnvilWeb(this IApplicationBuilder app)
    {
        app.UseAntiforgery();
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method)
                && http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                await ErrorPage.WriteAsync(http, StatusCodes.Status400BadRequest, null);
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>Maps the pages; the host adds its own conventions to them (e.g. a page's upload limit, from <see cref="AcceptsUploadAttribute"/>).</summary>
    public static RazorComponentsEndpointConventionBuilder MapAnvilWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/" + WebAssets.Folder + "/{name}", (HttpContext http, string name) => WebAssets.ServeAsync(http, name))
            .ExcludeFromDescription();
        // A browser opening a clone URL lands on the repository's page; git itself never asks for this path.
        app.MapGet("/{owner:" + PageOwner.Name + "}/{repo}.git", (string owner, string repo) => Results.Redirect(Links.Repo(owner, repo)))
            .ExcludeFromDescription();
        app.MapMethods("/{owner:" + PageOwner.Name + "}/{repo}/raw/{**rest}", [HttpMethods.Get, HttpMethods.Head],
            (HttpContext http, string owner, string repo, string rest, IWebCode code) => code.WriteRawAsync(http, owner, repo, rest))
            .ExcludeFromDescription();
        app.MapGet("/{owner:" + PageOwner.Name + "}/{repo}/actions/runs/{run:long}/job/{job:long}/live",
            (HttpContext http, string owner, string repo, long run, long job, IWebActions actions) => actions.StreamLogAsync(http, owner, repo, run, job))
            .ExcludeFromDescription();
        app.MapGet("/{owner:" + PageOwner.Name + "}/{repo}/actions/runs/{run:long}/job/{job:long}/logs",
            (HttpContext http, string owner, string repo, long run, long job, IWebActions actions) => actions.WriteRawLogAsync(http, owner, repo, run, job))
            .ExcludeFromDescription();
        foreach (var kind in new[] { "issues", "pull" })
        {
            app.MapGet("/{owner:" + PageOwner.Name + "}/{repo}/" + kind + "/{number:int}/live",
                (HttpContext http, string owner, string repo, int number, IWebIssues issues) => issues.StreamChangesAsync(http, owner, repo, number))
                .ExcludeFromDescription();
        }
        var pages = app.MapRazorComponents<App>();
        pages.Add(endpoint =>
        {
            // Pages are not API: they stay out of the OpenAPI document.
            endpoint.Metadata.Add(new Microsoft.AspNetCore.Routing.ExcludeFromDescriptionAttribute());
            // "/{owner}/…" pages never claim another surface's paths: POST /api/unknown stays the API's 404/405,
            // not a page's antiforgery refusal.
            // The raw text stays as the @page wrote it: the component router finds the page by it.
            if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText is { } raw && OwnerFirst().Match(raw) is { Success: true } m)
            {
                route.RoutePattern = RoutePatternFactory.Parse(raw, null, new RouteValueDictionary { [m.Groups[1].Value] = new PageOwner() });
            }
        });
        return pages;
    }

    /// <summary>A page whose form takes a file: its posts may carry up to <see cref="Bytes"/>, not the default body cap.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AcceptsUploadAttribute(long bytes) : Attribute
    {
        public long Bytes { get; } = bytes;
    }

    public enum AccountFormKind
    {
        SignIn,
        SignUp,
        PasswordReset,
    }

    /// <summary>A page whose form signs in, signs up or resets a password: the host limits its posts per address as it does the API's.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AccountFormAttribute(AccountFormKind form) : Attribute
    {
        public AccountFormKind Form { get; } = form;
    }

    [GeneratedRegex(@"^/\{(\w+)\}")]
    private static partial Regex OwnerFirst();

    /// <summary>A first path segment a page may take as a user name: not one of the other surfaces' prefixes.</summary>
    internal sealed class PageOwner : IRouteConstraint
    {
        public const string Name = "anvilowner";

        private static readonly HashSet<string> Taken = new(StringComparer.OrdinalIgnoreCase)
        {
            "api", "auth", "ws", "metrics", "health", "docs", "openapi", WebAssets.Folder,
        };

        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && value is string s && !Taken.Contains(s);
    }
}
