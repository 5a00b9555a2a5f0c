using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Checks;

/// <summary>GitHub's commit statuses API under <c>/api/v1/repos/{owner}/{name}</c>.</summary>
public static class CommitStatusEndpoints
{
    public sealed record StatusBody(string? State, string? TargetUrl, string? Description, string? Context);

    public sealed record StatusView(string Url, string? AvatarUrl, long Id, string NodeId, string State, string? Description, string? TargetUrl,
        string Context, DateTime CreatedAt, DateTime UpdatedAt, UserViews.V1SimpleUser? Creator);

    public sealed record CombinedView(string State, List<StatusView> Statuses, string Sha, int TotalCount, RepositoryViews.V1 Repository,
        string CommitUrl, string Url);

    public static void MapCommitStatusEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}");

        repo.MapPost("/statuses/{sha}", async (HttpContext ctx, JsonBody<StatusBody> input, RepositoryContext current, string sha,
            CommitStatusService statuses, Caller caller) =>
        {
            var grant = current.Grant.Require(RepositoryPermission.Write);
            var body = await input.ReadAsync();
            var status = await statuses.CreateAsync(grant.Repository, sha,
                new CommitStatusFields(body.State, body.TargetUrl, body.Description, body.Context), caller.RequireUser(), ctx.RequestAborted);
            return ApiJson.Created(ctx, status.ToView(grant.Repository, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/commits/{ref}/statuses", ListStatusesAsync);
        // GitHub's older path for the same list, the one PyGithub's Commit.get_statuses requests.
        repo.MapGet("/statuses/{ref}", ListStatusesAsync);

        repo.MapGet("/commits/{ref}/status", async (HttpContext ctx, RepositoryContext current, string @ref,
            CommitStatusService statuses, RepositoryViews views) =>
        {
            var grant = current.Grant;
            var page = PageRequest.From(ctx.Request);
            var combined = await statuses.CombinedAsync(grant.Repository, @ref, ctx.RequestAborted);
            var baseUrl = ctx.PublicBaseUrl();
            var api = RepoApi(grant.Repository, baseUrl);
            var repository = await views.V1Async(grant.Repository, ctx.RequestAborted);
            return page.AnswerWrapped(ctx, page.Of(combined.Latest), list => new CombinedView(combined.State,
                list.Items.Select(s => s.ToView(grant.Repository, baseUrl)).ToList(), combined.Sha, list.Total, repository,
                $"{api}/commits/{combined.Sha}", $"{api}/commits/{combined.Sha}/status"));
        });
    }

    private static async Task<JsonOk<List<StatusView>>> ListStatusesAsync(HttpContext ctx, RepositoryContext current, string @ref, CommitStatusService statuses)
    {
        var grant = current.Grant;
        var page = PageRequest.From(ctx.Request);
        var (_, list) = await statuses.ListAsync(grant.Repository, @ref, page.Offset, page.PerPage, ctx.RequestAborted);
        var baseUrl = ctx.PublicBaseUrl();
        return page.Answer(ctx, list, s => s.ToView(grant.Repository, baseUrl));
    }

    private static string RepoApi(Repository repo, string baseUrl) => $"{baseUrl}/api/v1/repos/{repo.Owner.Username}/{repo.Name}";

    public static StatusView ToView(this CommitStatus s, Repository repo, string baseUrl)
    {
        var creator = s.Creator?.ToV1Simple(baseUrl);
        return new StatusView($"{RepoApi(repo, baseUrl)}/statuses/{s.Sha}", creator?.AvatarUrl, s.Id, UserViews.NodeId("SC", s.Id), s.State,
            s.Description, s.TargetUrl, s.Context, s.CreatedAt, s.UpdatedAt, creator);
    }
}
