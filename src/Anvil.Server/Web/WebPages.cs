using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;
using Anvil.Web;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>Endpoint metadata of an HTML page (its own rate limit; errors as pages).</summary>
public sealed class WebPage
{
    public static readonly WebPage Instance = new();

    private WebPage()
    {
    }
}

/// <summary>The web interface in the host: its components, an adapter for each of its ports, and its routes.</summary>
public static class WebPages
{
    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddAnvilWeb();
        services.AddScoped<RepoSummaries>();
        services.AddScoped<IWebAccounts, WebAccounts>();
        services.AddScoped<IWebSettings, WebSettings>();
        services.AddScoped<IWebRepositories, WebRepositories>();
        services.AddScoped<IWebCode, WebCode>();
        services.AddScoped<IWebIssues, WebIssues>();
        services.AddScoped<IWebDashboard, WebDashboard>();
        services.AddScoped<IWebNotifications, WebNotifications>();
        services.AddScoped<IWebPulls, WebPulls>();
        services.AddScoped<IWebMergeBox, WebMergeBox>();
        services.AddScoped<IWebPullTabs, WebPullTabs>();
        services.AddScoped<IWebRepoSettings, WebRepoSettings>();
        services.AddScoped<IWebAccountLinks, WebAccountLinks>();
        services.AddScoped<IWebActions, WebActions>();
        services.AddScoped<WebPullRequestLoads>();
        services.AddScoped<IWebIssueHeads>(sp => (WebIssues)sp.GetRequiredService<IWebIssues>());
        return services;
    }

    public static void MapWebPages(this IEndpointRouteBuilder app) =>
        app.MapAnvilWeb().Add(page =>
        {
            page.Metadata.Add(WebPage.Instance);
            if (page.Metadata.OfType<WebInterface.AcceptsUploadAttribute>().FirstOrDefault() is { } upload)
            {
                page.Metadata.Add(new BodyLimit(upload.Bytes));
            }
            // The API's sign-in, sign-up and password-reset routes carry the same, so one middleware counts both surfaces' attempts.
            switch (page.Metadata.OfType<WebInterface.AccountFormAttribute>().FirstOrDefault()?.Form)
            {
                case WebInterface.AccountFormKind.SignIn:
                    page.Metadata.Add(AuthAttempt.SignIn);
                    break;
                case WebInterface.AccountFormKind.SignUp:
                    page.Metadata.Add(AuthAttempt.SignUp);
                    break;
                case WebInterface.AccountFormKind.PasswordReset:
                    page.Metadata.Add(AuthAttempt.PasswordReset);
                    break;
            }
        });
}
