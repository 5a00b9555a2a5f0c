using Anvil.Server.Auth;

namespace Anvil.Server.Repositories;

/// <summary>
/// The repository a request's route names and the caller's grant on it, resolved once before the handler runs (as
/// Gitea's <c>repoAssignment</c>): handlers and the services they call take <see cref="Grant"/> rather than
/// <c>(owner, name)</c>, and ask it — not the database again — whether the caller may do what they are about to do.
/// </summary>
public sealed class RepositoryContext
{
    private RepositoryGrant? grant;

    /// <summary>The route's repository as the caller may use it (at least read: a repository they may not read was "not found").</summary>
    public RepositoryGrant Grant => grant ?? throw new InvalidOperationException("this route is not under a repository group (MapRepositoryGroup)");

    internal void Assign(RepositoryGrant assigned) => grant = assigned;
}

/// <summary>
/// Endpoint metadata: on this route a token holding <paramref name="Scope"/> acts with its user's own rights in the
/// repository, whatever its repository scopes (the <c>webhooks</c> scope on the hook routes, as GitHub's <c>admin:repo_hook</c>).
/// </summary>
public sealed record OwnRightsWithScope(string Scope);

public static class RepositoryRoutes
{
    /// <summary>
    /// A route group under <paramref name="pattern"/>, which names <c>{owner}</c> and <c>{name}</c>: every route in it first
    /// resolves the repository and the caller's grant (<see cref="RepositoryContext"/>). A repository the caller may not read
    /// is "not found" before any body is read.
    /// </summary>
    public static RouteGroupBuilder MapRepositoryGroup(this IEndpointRouteBuilder app, string pattern)
    {
        if (!pattern.Contains("{owner}", StringComparison.Ordinal) || !pattern.Contains("{name}", StringComparison.Ordinal))
        {
            throw new ArgumentException("a repository group's pattern names {owner} and {name}", nameof(pattern));
        }
        var group = app.MapGroup(pattern);
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var services = http.RequestServices;
            var caller = services.GetRequiredService<Caller>();
            var metadata = http.GetEndpoint()?.Metadata;
            // Group filters run before the route's own: what the route requires of the caller (sign-in, a token scope) is
            // said first (401, 403), whatever the repository, so a refusal tells nothing about which repositories exist.
            foreach (var required in metadata?.GetOrderedMetadata<SignInRequired>() ?? [])
            {
                required.Check(caller);
            }
            var owner = (string)http.Request.RouteValues["owner"]!;
            var name = (string)http.Request.RouteValues["name"]!;
            // A GET or HEAD reads: its repository needs no change tracking (the writes' routes get a tracked one).
            var access = services.GetRequiredService<RepositoryAccess>();
            var grant = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? await access.ResolveToReadAsync(owner, name, http.RequestAborted)
                : await access.ResolveAsync(owner, name, http.RequestAborted);
            if (metadata?.GetMetadata<OwnRightsWithScope>() is { } own && caller.Method == AuthMethod.AccessToken && caller.Has(own.Scope))
            {
                grant = grant.WithOwnRights();
            }
            services.GetRequiredService<RepositoryContext>().Assign(grant.Require(RepositoryPermission.Read));
            return await next(ctx);
        });
        return group;
    }
}
