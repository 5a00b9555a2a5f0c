using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>A small project pushed with the real git CLI: a README with relative links, nested code, an image, two commits.</summary>
public static class SampleRepository
{
    public const string FirstCommit = "Start the calculator";
    public const string SecondCommit = "Teach the calculator to divide";

    /// <summary>The smallest valid PNG (1×1, transparent).</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    public static string Code(bool divide) => string.Join('\n', Enumerable.Range(1, 30).Select(n => n switch
    {
        1 => "def add(a, b):",
        2 => "    return a + b",
        12 when divide => "def divide(a, b):  # new",
        _ => $"# line {n}",
    })) + "\n";

    public const string Readme = """
        # Calculator

        A tiny calculator. See [the guide](docs/guide.md) and [the code](src/calc.py).

        ![logo](docs/logo.png)

        - [x] add
        - [ ] divide

        | op | symbol |
        |----|--------|
        | add | + |
        """;

    /// <summary>Pushes two commits to <paramref name="owner"/>/<paramref name="repo"/>; returns the second commit's id.</summary>
    public static async Task<string> PushAsync(AnvilServer server, string owner, string password, string repo)
    {
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "init", "-q", work);
        Directory.CreateDirectory(Path.Combine(work, "docs"));
        await File.WriteAllBytesAsync(Path.Combine(work, "docs", "logo.png"), Png);
        await File.WriteAllTextAsync(Path.Combine(work, "docs", "guide.md"), "# Guide\n\nRead [the README](../README.md).\n");
        await File.WriteAllTextAsync(Path.Combine(work, "README.md"), Readme);
        await File.WriteAllTextAsync(Path.Combine(work, "page.html"), "<script>alert(1)</script>\n");
        await git.OkAsync(work, "add", "-A");
        await git.CommitFileAsync(work, "src/calc.py", Code(divide: false), FirstCommit);
        var second = await git.CommitFileAsync(work, "src/calc.py", Code(divide: true), SecondCommit);
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner, repo, owner, password), "HEAD:refs/heads/main");
        return second;
    }

    /// <summary>Creates a public repository for <paramref name="owner"/> through the API and pushes the sample to it.</summary>
    public static async Task<string> PushAsyncForNewRepo(AnvilServer server, TestUser owner, string repo)
    {
        using var c = owner.Client();
        var res = await c.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new { name = repo }));
        Assert.Equal(System.Net.HttpStatusCode.Created, res.StatusCode);
        return await PushAsync(server, owner.Username, owner.Password, repo);
    }

    /// <summary>Opens an issue with a label, a mention and a comment on <paramref name="repo"/>; returns its number.</summary>
    public static async Task<int> OpenIssueAsync(TestUser owner, string repo)
    {
        using var c = owner.Client();
        var path = $"/api/v1/repos/{owner.Username}/{repo}/issues";
        var res = await c.PostAsync(path, System.Net.Http.Json.JsonContent.Create(new
        {
            title = "Dividing by zero crashes the calculator",
            body = $"Steps:\n\n1. `divide(1, 0)`\n2. See the traceback.\n\ncc @{owner.Username}",
            labels = new[] { "bug" },
        }));
        Assert.Equal(System.Net.HttpStatusCode.Created, res.StatusCode);
        var number = (int)(await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>(res.Content))!["number"]!;
        var comment = await c.PostAsync($"{path}/{number}/comments", System.Net.Http.Json.JsonContent.Create(new { body = "Confirmed: it raises **ZeroDivisionError**." }));
        Assert.Equal(System.Net.HttpStatusCode.Created, comment.StatusCode);
        return number;
    }

    /// <summary>Gives issue <paramref name="number"/> some history: a new title, an assignee, a close and a reopen.</summary>
    public static async Task TriageIssueAsync(TestUser owner, string repo, int number)
    {
        using var c = owner.Client();
        var path = $"/api/v1/repos/{owner.Username}/{repo}/issues/{number}";
        foreach (var change in new object[] { new { title = "Dividing by zero crashes", assignees = new[] { owner.Username } }, new { state = "closed" }, new { state = "open" } })
        {
            var res = await c.PatchAsync(path, System.Net.Http.Json.JsonContent.Create(change));
            Assert.Equal(System.Net.HttpStatusCode.OK, res.StatusCode);
        }
    }
}
