using System.Net;
using Anvil.Git;
using Anvil.Server.Checks;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>
/// GitHub's workflow status badge, the <c>badge_url</c> of a workflow (<c>/{owner}/{repo}/actions/workflows/{file}/badge.svg</c>):
/// an SVG with the workflow's name and the state of its latest run on the default branch (or <c>?branch=</c>). A private
/// repository's badge is shown only to its readers (not found to anyone else), as its other pages.
/// </summary>
public static class WorkflowBadgeEndpoints
{
    public static void MapWorkflowBadgeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{owner}/{repo}/actions/workflows/{file}/badge.svg", async (HttpContext ctx, string owner, string repo, string file,
            RepositoryAccess access, WorkflowCatalog catalog, AnvilDbContext db) =>
        {
            var grant = await access.ReadAsync(owner, repo, ctx.RequestAborted);
            var workflow = await catalog.FindAsync(grant.Repository.Id, file, ctx.RequestAborted);
            var branch = ctx.Request.Query["branch"].ToString() is { Length: > 0 } asked ? asked : grant.Repository.DefaultBranch;
            var fullRef = RefNames.Branch(branch);
            var latest = await db.WorkflowRuns.AsNoTracking().Where(r => r.WorkflowId == workflow.Id && r.Ref == fullRef)
                .OrderByDescending(r => r.Id).Select(r => new { r.Status, r.Conclusion }).FirstOrDefaultAsync(ctx.RequestAborted);
            // A badge shows the state now: embedding pages must not keep an old one.
            ctx.Response.Headers.CacheControl = "no-cache, max-age=0";
            return TypedResults.Text(Svg(workflow.Name, State(latest?.Status, latest?.Conclusion)), "image/svg+xml; charset=utf-8");
        }).WithOrder(-1); // before the repository pages, whose paths would take it
    }

    /// <summary>The badge's words and colour for a run's status and conclusion (GitHub's: passing, failing, no status…).</summary>
    public static (string Text, string Color) State(string? status, string? conclusion) => (status, conclusion) switch
    {
        (null, _) => ("no status", "#9f9f9f"),
        (RunStatus.Completed, CheckConclusion.Success) => ("passing", "#4c1"),
        (RunStatus.Completed, CheckConclusion.Cancelled) => ("cancelled", "#9f9f9f"),
        (RunStatus.Completed, CheckConclusion.Skipped or CheckConclusion.Neutral) => ("skipped", "#9f9f9f"),
        (RunStatus.Completed, _) => ("failing", "#e05d44"),
        _ => ("in progress", "#dfb317"),
    };

    private static string Svg(string name, (string Text, string Color) state)
    {
        // Widths from a rough average glyph width of the 11px font: enough for the text, as shields.io-style badges are.
        var left = 12 + (7 * name.Length);
        var right = 12 + (7 * state.Text.Length);
        var label = WebUtility.HtmlEncode(name);
        var value = WebUtility.HtmlEncode(state.Text);
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="20" role="img" aria-label="{label}: {value}">
            <title>{label}: {value}</title>
            <rect width="{left}" height="20" fill="#555"/>
            <rect x="{left}" width="{right}" height="20" fill="{state.Color}"/>
            <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
            <text x="{left / 2}" y="14">{label}</text>
            <text x="{left + (right / 2)}" y="14">{value}</text>
            </g>
            </svg>
            """;
    }
}
