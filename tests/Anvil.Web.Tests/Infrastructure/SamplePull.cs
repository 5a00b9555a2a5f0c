using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>A pull request with something on every tab: two commits, a line comment and a review with one of its own.</summary>
public static class SamplePull
{
    public const string Branch = "power";

    /// <summary>Pushes <see cref="Branch"/> to <paramref name="repo"/> and opens a pull request from it; returns its number.</summary>
    public static async Task<int> OpenAsync(AnvilServer server, TestUser owner, string repo, int fixes)
    {
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password), work);
            await git.OkAsync(work, "checkout", "-q", "-b", Branch);
            await git.CommitFileAsync(work, "src/power.py", "def power(a, b):\n    return a ** b\n", "Add power");
            await git.CommitFileAsync(work, "src/calc.py", SampleRepository.Code(divide: true) + "\n# power lives in power.py\n", "Point to power");
            await git.OkAsync(work, "push", "-q", "origin", Branch);
        }
        using var api = owner.Client();
        var path = $"/api/v1/repos/{owner.Username}/{repo}/pulls";
        var pr = await (await api.PostAsJsonAsync(path, new { title = "Add a power function", head = Branch, @base = "main", body = $"Fixes #{fixes}.\n\nAdds `power`." }))
            .JsonAsync(HttpStatusCode.Created);
        var number = pr["number"]!.GetValue<int>();
        await (await api.PostAsJsonAsync($"{path}/{number}/comments", new { body = "Negative exponents?", path = "src/power.py", line = 2, side = "RIGHT",
            commit_id = (string?)pr["head"]!["sha"] })).JsonAsync(HttpStatusCode.Created);
        await (await api.PostAsJsonAsync($"{path}/{number}/reviews", new { @event = "COMMENT", body = "Looks close; see the note on line 2.",
            comments = new[] { new { path = "src/calc.py", line = 32, side = "RIGHT", body = "Could this say *why* it moved?" } } })).JsonAsync(HttpStatusCode.OK);
        return number;
    }

    /// <summary>A pending review of <paramref name="by"/> with one comment on line 1 of src/power.py (only they see it).</summary>
    public static async Task StartReviewAsync(TestUser by, string owner, string repo, int number)
    {
        using var api = by.Client();
        await (await api.PostAsJsonAsync($"/api/v1/repos/{owner}/{repo}/pulls/{number}/reviews", new
        {
            comments = new object[] { new { path = "src/power.py", line = 1, side = "RIGHT", body = "Maybe call it `pow`, like **Python**?" } },
        })).JsonAsync(HttpStatusCode.OK);
    }
}
