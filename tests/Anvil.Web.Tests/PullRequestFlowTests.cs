using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Actions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// Two people and a pull request from start to finish, in two browsers: B forks A's repository, pushes a branch with
/// git and opens a pull request from the compare page; A comments on a line and requests changes (B's bell lights up
/// live); B pushes a fix; the workflow runs on the real anvil-runner while A watches its log grow; A approves and
/// squash-merges, and the issue named with "Fixes" is closed.
/// </summary>
public sealed class PullRequestFlowTests(ActionsSqliteServer server, Chromium chromium) : IClassFixture<ActionsSqliteServer>, IClassFixture<Chromium>
{
    private const int Slow = 180_000; // a safety net for the runner on a busy machine, never an assertion on speed

    [Fact]
    public async Task A_contribution_from_a_fork_is_reviewed_checked_and_squash_merged_closing_its_issue()
    {
        var release = Path.Combine(Path.GetTempPath(), "anvil-flow-" + Guid.NewGuid().ToString("N")[..8]);
        using var repo = await ActionsRepo.CreateAsync(server);
        var (a, r) = (repo.Owner, repo.Name);
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", $$"""
            name: CI
            on: pull_request
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - name: Test
                    run: |
                      echo "testing the change"
                      while [ ! -f "{{release}}" ]; do sleep 0.2; done
                      echo "all tests passed"
            """));
        using (var api = a.Client())
        {
            await (await api.PostAsJsonAsync($"{repo.Api}/issues", new { title = "Crash on start" })).JsonAsync(HttpStatusCode.Created);
        }

        var b = await server.SignUpAsync("fork" + Guid.NewGuid().ToString("N")[..6]);
        using (var api = b.Client())
        {
            await (await api.PostAsync($"{repo.Api}/forks", null)).JsonAsync(HttpStatusCode.Accepted);
        }
        using var git = new GitClient();
        var work = git.Path("fork");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, b.Username, r, b.Username, b.Password), work);
        await git.OkAsync(work, "checkout", "-q", "-b", "fix-crash");
        await git.CommitFileAsync(work, "start.py", "def start():\n    return 0\n", "Handle the crash on start");
        await git.OkAsync(work, "push", "-q", "origin", "fix-crash");
        await using var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync());

        // B opens the pull request from the compare page.
        await using var bob = await Viewer.OpenAsync(chromium, server);
        await bob.SignInAsync(b.Username, b.Password);
        Assert.Equal(200, await bob.GoAsync($"/{a.Username}/{r}/compare/main...{b.Username}:fix-crash"));
        await bob.Page.GetByLabel("Description").FillAsync("Fixes #1");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Create pull request" }).ClickAsync();
        await bob.Page.WaitForDocumentAsync($"**/{a.Username}/{r}/pull/2");
        var bell = bob.Page.Locator(".header-bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-live", "open");
        await bob.Page.EvaluateAsync("window.anvilTestMark = 'same-document'");

        // A comments on a line and asks for changes; B hears of it without reloading.
        await using var alice = await Viewer.OpenAsync(chromium, server);
        var page = alice.Page;
        await alice.SignInAsync(a.Username, a.Password);
        Assert.Equal(200, await alice.GoAsync($"/{a.Username}/{r}/pull/2/files"));
        var line2 = page.Locator("table.diff tr", new() { Has = page.Locator("a[href*='line=start.py:R:2#']") });
        await line2.HoverAsync();
        await line2.GetByRole(AriaRole.Link, new() { Name = "+", Exact = true }).ClickAsync();
        await page.Locator(".line-comment-form textarea").FillAsync("Why 0 and not None?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add single comment" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.thread-row .line-comment")).ToContainTextAsync("Why 0 and not None?");
        Assert.Equal("2", await page.Locator("tr.thread-row").EvaluateAsync<string>("row => row.previousElementSibling.cells[1].firstChild.textContent"));
        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByLabel("Leave a comment").FillAsync("Please return None.");
        await page.GetByLabel("Request changes").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-review").Last).ToContainTextAsync("requested changes");
        await Assertions.Expect(bell).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("has-unread"));
        Assert.Equal("same-document", await bob.Page.EvaluateAsync<string?>("window.anvilTestMark ?? null"));

        // B pushes the fix; the workflow runs and A watches its log grow.
        await git.CommitFileAsync(work, "start.py", "def start():\n    return None\n", "Return None on start");
        await git.OkAsync(work, "push", "-q", "origin", "fix-crash");
        var running = await ActionsRepo.EventuallyAsync(repo.RunsAsync,
            runs => runs["workflow_runs"]!.AsArray().Any(x => (string?)x!["status"] == "in_progress"), "a run in progress", detail: () => runner.Output);
        var runId = running["workflow_runs"]!.AsArray().First(x => (string?)x!["status"] == "in_progress")!["id"]!.GetValue<long>();
        Assert.Equal(200, await alice.GoAsync($"/{a.Username}/{r}/actions/runs/{runId}"));
        var step = page.Locator("details[data-step-name='Test']");
        await Assertions.Expect(step.Locator("pre")).ToContainTextAsync("testing the change", new() { Timeout = Slow });
        await page.EvaluateAsync("window.anvilTestMark = 'same-document'");
        await File.WriteAllTextAsync(release, "go");
        await Assertions.Expect(step.Locator("pre")).ToContainTextAsync("all tests passed", new() { Timeout = Slow });
        await ActionsRepo.EventuallyAsync(repo.RunsAsync,
            runs => runs["workflow_runs"]!.AsArray().All(x => (string?)x!["status"] == "completed"), "every run to finish", detail: () => runner.Output);

        // A approves and squash-merges; the issue it fixes is closed.
        Assert.Equal(200, await alice.GoAsync($"/{a.Username}/{r}/pull/2/files"));
        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByLabel("Approve").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-review").Last).ToContainTextAsync("approved these changes");
        await Assertions.Expect(page.Locator(".check-states")).ToContainTextAsync("test");
        await Assertions.Expect(page.Locator(".merge-title")).ToHaveTextAsync("This branch has no conflicts with the base branch");
        await page.GetByLabel("Squash and merge").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm merge" }).ClickAsync();
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Merged");

        using var owner = a.Client();
        var issue = (await owner.GetFromJsonAsync<JsonNode>($"{repo.Api}/issues/1"))!;
        Assert.Equal("closed", (string?)issue["state"]);
        var main = (await owner.GetFromJsonAsync<JsonNode>($"{repo.Api}/commits/main"))!;
        Assert.Single(main["parents"]!.AsArray());
        Assert.Contains("return None", (await owner.GetStringAsync($"/{a.Username}/{r}/raw/main/start.py")));
        alice.AssertNoConsoleErrors();
        bob.AssertNoConsoleErrors();
    }
}
