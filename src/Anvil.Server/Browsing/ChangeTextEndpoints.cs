using Anvil.Server.Repositories;
using Anvil.Git.Reading;
using Anvil.Server.PullRequests;

namespace Anvil.Server.Browsing;

/// <summary>
/// GitHub's <c>/{owner}/{repo}/pull/{n}.diff|.patch</c> and <c>/{owner}/{repo}/commit/{sha}.diff|.patch</c>: a change as
/// plain text, beside the pages of the same path (to which the same repository rules apply).
/// </summary>
public static class ChangeTextEndpoints
{
    public static void MapChangeTextEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{owner}/{repo}/pull/{number:int}.{format:regex(^(diff|patch)$)}", async (HttpContext ctx, string owner, string repo, int number,
            string format, RepositoryAccess access, PullRequestService pulls) =>
            Text(await pulls.ChangeTextAsync(await access.ReadAsync(owner, repo, ctx.RequestAborted), number, Format(format), ctx.RequestAborted))).WithOrder(BeforePages);
        app.MapGet("/{owner}/{repo}/commit/{sha}.{format:regex(^(diff|patch)$)}", async (HttpContext ctx, string owner, string repo, string sha,
            string format, RepositoryAccess access, BrowsingService browsing) =>
            Text(await browsing.GetCommitChangeTextAsync(await access.ReadAsync(owner, repo, ctx.RequestAborted), sha, Format(format), ctx.RequestAborted))).WithOrder(BeforePages);
    }

    // The page /{owner}/{repo}/commit/{sha} would take "abc.diff" for a sha: these come first.
    private const int BeforePages = -1;

    private static ChangeText Format(string format) => format == "patch" ? ChangeText.Patch : ChangeText.Diff;

    // Plain text, never HTML: the diff is the repository's content, served from Anvil's origin.
    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Text(byte[] text) =>
        TypedResults.Bytes(text, "text/plain; charset=utf-8");
}
