using Anvil.Web.Ports;
using Anvil.Web.Rendering;
using Microsoft.AspNetCore.Builder;
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
    public static readonly IReadOnlyList<string> TopLevelNames = ["login", "join", "logout", "new", WebAssets.Folder];

    /// <summary>Registers the components; the host supplies <typeparamref name="TAccounts"/> and the other ports.</summary>
    public static IServiceCollection AddAnvilWeb<TAccounts, TRepositories, TCode>(this IServiceCollection services)
        where TAccounts : class, IWebAccounts where TRepositories : class, IWebRepositories where TCode : class, IWebCode
    {
        services.AddRazorComponents();
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<PageOwner>(PageOwner.Name));
        services.AddScoped<IWebAccounts, TAccounts>();
        services.AddScoped<IWebRepositories, TRepositories>();
        services.AddScoped<IWebCode, TCode>();
        return services;
    }

    public static void MapAnvilWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/" + WebAssets.Folder + "/{name}", (HttpContext http, string name) => WebAssets.ServeAsync(http, name));
        // A browser opening a clone URL lands on the repository's page; git itself never asks for this path.
        app.MapGet("/{owner:" + PageOwner.Name + "}/{repo}.git", (string owner, string repo) => Results.Redirect(Links.Repo(owner, repo)));
        app.MapMethods("/{owner:" + PageOwner.Name + "}/{repo}/raw/{**rest}", [HttpMethods.Get, HttpMethods.Head],
            (HttpContext http, string owner, string repo, string rest, IWebCode code) => code.WriteRawAsync(http, owner, repo, rest));
        app.MapRazorComponents<App>().Add(endpoint =>
        {
            // "/{owner}/…" pages never claim another surface's paths: POST /api/unknown stays the API's 404/405,
            // not a page's antiforgery refusal.
            // The raw text stays as the @page wrote it: the component router finds the page by it.
            if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText is { } raw && OwnerFirst().Match(raw) is { Success: true } m)
            {
                route.RoutePattern = RoutePatternFactory.Parse(raw, null, new RouteValueDictionary { [m.Groups[1].Value] = new PageOwner() });
            }
        });
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
