using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// Pictures of each main page at a desktop and a phone width, light and dark, for a person to look at; and no page
/// logs a console error in any of them.
/// </summary>
public sealed class ScreenshotTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Main_pages_at_two_widths_in_both_themes()
    {
        var owner = await server.SignUpAsync("octo" + Guid.NewGuid().ToString("N")[..6]);
        var second = await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        var issue = await SampleRepository.OpenIssueAsync(owner, "calculator");
        await SampleRepository.TriageIssueAsync(owner, "calculator", issue);
        var pull = await SamplePull.OpenAsync(server, owner, "calculator", issue);
        var run = await SampleRun.PushAndFinishAsync(server, owner, "calculator");
        await SamplePull.StartReviewAsync(owner, o, "calculator", pull);
        // Someone forked and starred it, so its forks and stargazers pages have something to show.
        var fan = await server.SignUpAsync("fan" + Guid.NewGuid().ToString("N")[..6]);
        using (var api = fan.Client())
        {
            (await api.PostAsync($"/api/v1/repos/{o}/calculator/forks", null)).EnsureSuccessStatusCode();
            (await api.PutAsync($"/api/v1/user/starred/{o}/calculator", null)).EnsureSuccessStatusCode();
        }
        var hookId = await RepoSettingsFixtures.AddCollaboratorAndHookAsync(server, owner, "calculator");
        var pages = new (string Name, string Path, bool SignedIn, int Status)[]
        {
            ("explore", "/", false, 200),
            ("login", "/login", false, 200),
            ("join", "/join", false, 200),
            ("forgot-password", "/forgot-password", false, 200),
            ("dashboard", "/", true, 200),
            ("new-repository", "/new", true, 200),
            ("profile", $"/{o}", false, 200),
            ("repository", $"/{o}/calculator", false, 200),
            ("tree", $"/{o}/calculator/tree/main/docs", false, 200),
            ("blob", $"/{o}/calculator/blob/main/src/calc.py#L10-L12", false, 200),
            ("blame", $"/{o}/calculator/blame/main/src/calc.py", false, 200),
            ("image", $"/{o}/calculator/blob/main/docs/logo.png", false, 200),
            ("commits", $"/{o}/calculator/commits/main", false, 200),
            ("commit", $"/{o}/calculator/commit/{second}", true, 200),
            ("commit-split", $"/{o}/calculator/commit/{second}?diff=split", false, 200),
            ("search", "/search?q=calculator", false, 200),
            ("branches", $"/{o}/calculator/branches", false, 200),
            ("forks", $"/{o}/calculator/forks", false, 200),
            ("stargazers", $"/{o}/calculator/stargazers", false, 200),
            ("tokens", "/settings/tokens", true, 200),
            ("issues", $"/{o}/calculator/issues", false, 200),
            ("issue", $"/{o}/calculator/issues/{issue}", false, 200),
            ("issue-signed-in", $"/{o}/calculator/issues/{issue}", true, 200),
            ("new-issue", $"/{o}/calculator/issues/new", true, 200),
            ("issue-editing", $"/{o}/calculator/issues/{issue}?edit=0", true, 200),
            ("labels", $"/{o}/calculator/labels", true, 200),
            ("issues-filtered", $"/{o}/calculator/issues?label=bug&sort=updated-desc", false, 200),
            ("notifications", "/notifications?all=1", true, 200),
            ("pulls", $"/{o}/calculator/pulls", false, 200),
            ("pull", $"/{o}/calculator/pull/{pull}", true, 200),
            ("pull-files", $"/{o}/calculator/pull/{pull}/files", true, 200),
            ("pull-files-split", $"/{o}/calculator/pull/{pull}/files?diff=split", true, 200),
            ("pull-files-comment-form", $"/{o}/calculator/pull/{pull}/files?line=src/power.py:R:2#line-form", true, 200),
            ("pull-commits", $"/{o}/calculator/pull/{pull}/commits", false, 200),
            ("pull-checks", $"/{o}/calculator/pull/{pull}/checks", false, 200),
            ("compare", $"/{o}/calculator/compare/main...{SamplePull.Branch}", true, 200),
            ("compare-chooser", $"/{o}/calculator/compare", true, 200),
            ("profile-settings", "/settings/profile", true, 200),
            ("security-settings", "/settings/security", true, 200),
            ("repo-settings", $"/{o}/calculator/settings", true, 200),
            ("repo-collaborators", $"/{o}/calculator/settings/collaborators", true, 200),
            ("repo-hooks", $"/{o}/calculator/settings/hooks", true, 200),
            ("repo-hook-new", $"/{o}/calculator/settings/hooks/new", true, 200),
            ("repo-hook", $"/{o}/calculator/settings/hooks/{hookId}", true, 200),
            ("repo-actions-settings", $"/{o}/calculator/settings/actions", true, 200),
            ("notification-settings", "/settings/notifications", true, 200),
            ("discord-settings", "/settings/discord", true, 200),
            ("actions", $"/{o}/calculator/actions", false, 200),
            ("actions-run", $"/{o}/calculator/actions/runs/{run.RunId}", true, 200),
            ("actions-job", $"/{o}/calculator/actions/runs/{run.RunId}/job/{run.JobId}", false, 200),
            ("check-run", $"/{o}/calculator/runs/{run.CheckRunId}", false, 200),
            ("commit-checks", $"/{o}/calculator/commit/{run.Sha}", false, 200),
            ("not-found", $"/{o}/missing", false, 404),
        };
        foreach (var (width, height) in Screenshots.Sizes)
        {
            foreach (var scheme in Screenshots.Schemes)
            {
                await using var anonymous = await Viewer.OpenAsync(chromium, server, width, height, scheme);
                await using var signedIn = await Viewer.OpenAsync(chromium, server, width, height, scheme);
                await signedIn.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = owner.SessionToken, Url = server.BaseUri.ToString() }]);
                foreach (var (name, path, withSession, status) in pages)
                {
                    var viewer = withSession ? signedIn : anonymous;
                    Assert.Equal(status, await viewer.GoAsync(path));
                    await Screenshots.SaveAsync(viewer.Page, name, width, scheme);
                    if (status == 200)
                    {
                        viewer.AssertNoConsoleErrors();
                    }
                    viewer.ForgetConsoleErrors();
                    // Nothing overflows a phone's width sideways (code tables scroll inside their box).
                    var overflow = await viewer.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
                    Assert.True(overflow <= 0, $"{name} at {width}px scrolls sideways by {overflow}px");
                }
            }
        }
        Console.WriteLine("screenshots: " + Screenshots.Folder);
    }
}
