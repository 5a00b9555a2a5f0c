using System.Text;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Actions;

/// <summary>
/// Lets a runner fetch the repository of the job it runs: a checkout token as the Basic password
/// grants read access to that one repository, and only while the job is in progress.
/// </summary>
public static class CheckoutAccess
{
    /// <summary>The grant a checkout token gives for <paramref name="owner"/>/<paramref name="name"/>; null when the request carries none.</summary>
    public static async Task<RepositoryGrant?> GrantAsync(HttpContext ctx, string owner, string name, CancellationToken ct)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string password;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            password = decoded[(decoded.IndexOf(':') + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
        if (!JobTokens.LooksLikeToken(password))
        {
            return null;
        }
        var sp = ctx.RequestServices;
        var claims = sp.GetRequiredService<JobTokens>().Validate(password, JobTokens.Checkout) ?? throw AnvilException.Unauthorized("invalid checkout token");
        var db = sp.GetRequiredService<AnvilDbContext>();
        var running = await db.WorkflowJobs.AsNoTracking().AnyAsync(j => j.Id == claims.JobId && j.Status == JobStatus.InProgress, ct);
        var repo = await db.Repositories.AsNoTracking().Include(r => r.Owner).FirstOrDefaultAsync(r => r.Id == claims.RepositoryId, ct);
        if (!running)
        {
            throw AnvilException.Unauthorized("the job of this checkout token is not running");
        }
        if (repo is null || !string.Equals(repo.Owner.Username, owner, StringComparison.OrdinalIgnoreCase) || !string.Equals(repo.Name, name, StringComparison.OrdinalIgnoreCase))
        {
            throw RepositoryAccess.NotFound();
        }
        return new RepositoryGrant(repo, RepositoryPermission.Read);
    }
}
