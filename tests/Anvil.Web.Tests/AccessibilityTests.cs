using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// axe-core finds no serious or critical accessibility violation on any main page, wide and phone-sized, in either theme:
/// one class per size and theme, so the four run side by side.
/// </summary>
public abstract class AccessibilityTests(SqliteServer server, Chromium chromium, int width, int height, ColorScheme scheme)
{
    [Fact]
    public async Task Main_pages_have_no_serious_or_critical_axe_violations()
    {
        var owner = await server.SignUpAsync("axe" + Guid.NewGuid().ToString("N")[..6]);
        var second = await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        var issue = await SampleRepository.OpenIssueAsync(owner, "calculator");
        await SampleRepository.TriageIssueAsync(owner, "calculator", issue);
        var pull = await SamplePull.OpenAsync(server, owner, "calculator", issue);
        var hookId = await RepoSettingsFixtures.AddCollaboratorAndHookAsync(server, owner, "calculator");
        var run = await SampleRun.PushAndFinishAsync(server, owner, "calculator");
        await SamplePull.StartReviewAsync(owner, o, "calculator", pull);
        var pages = new (string Name, string Path, bool SignedIn, int Status)[]
        {
            ("explore", "/", false, 200),
            ("login", "/login", false, 200),
            ("join", "/join", false, 200),
            ("forgot-password", "/forgot-password", false, 200),
            ("verify email refused", "/verify-email?token=nonsense", false, 400),
            ("dashboard", "/", true, 200),
            ("verify email, signed in", "/verify-email", true, 200),
            ("new repository", "/new", true, 200),
            ("profile", $"/{o}", false, 200),
            ("repository home", $"/{o}/calculator", false, 200),
            ("repository home signed in", $"/{o}/calculator", true, 200),
            ("tree", $"/{o}/calculator/tree/main/docs", false, 200),
            ("blob", $"/{o}/calculator/blob/main/src/calc.py#L10-L12", false, 200),
            ("markdown blob", $"/{o}/calculator/blob/main/README.md", false, 200),
            ("image", $"/{o}/calculator/blob/main/docs/logo.png", false, 200),
            ("blame", $"/{o}/calculator/blame/main/src/calc.py", false, 200),
            ("commits", $"/{o}/calculator/commits/main", false, 200),
            ("commit", $"/{o}/calculator/commit/{second}", true, 200),
            ("commit, split", $"/{o}/calculator/commit/{second}?diff=split", false, 200),
            ("branches", $"/{o}/calculator/branches", false, 200),
            ("search", "/search?q=calculator", false, 200),
            ("user search", $"/search?q={o}&type=users", false, 200),
            ("tokens", "/settings/tokens", true, 200),
            ("issues", $"/{o}/calculator/issues", false, 200),
            ("issue", $"/{o}/calculator/issues/{issue}", false, 200),
            ("issue-signed-in", $"/{o}/calculator/issues/{issue}", true, 200),
            ("new-issue", $"/{o}/calculator/issues/new", true, 200),
            ("issue, editing", $"/{o}/calculator/issues/{issue}?edit=0", true, 200),
            ("labels", $"/{o}/calculator/labels", true, 200),
            ("labels, signed out", $"/{o}/calculator/labels", false, 200),
            ("issues, filtered", $"/{o}/calculator/issues?label=bug&sort=updated-desc", false, 200),
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
            ("profile settings", "/settings/profile", true, 200),
            ("password and sessions", "/settings/security", true, 200),
            ("repository settings", $"/{o}/calculator/settings", true, 200),
            ("collaborators", $"/{o}/calculator/settings/collaborators", true, 200),
            ("webhooks", $"/{o}/calculator/settings/hooks", true, 200),
            ("new webhook", $"/{o}/calculator/settings/hooks/new", true, 200),
            ("webhook", $"/{o}/calculator/settings/hooks/{hookId}", true, 200),
            ("actions settings", $"/{o}/calculator/settings/actions", true, 200),
            ("notification settings", "/settings/notifications", true, 200),
            ("discord settings", "/settings/discord", true, 200),
            ("actions", $"/{o}/calculator/actions", false, 200),
            ("actions run", $"/{o}/calculator/actions/runs/{run.RunId}", true, 200),
            ("actions job", $"/{o}/calculator/actions/runs/{run.RunId}/job/{run.JobId}", false, 200),
            ("check run", $"/{o}/calculator/runs/{run.CheckRunId}", false, 200),
            ("commit with checks", $"/{o}/calculator/commit/{run.Sha}", false, 200),
            ("not found", $"/{o}/missing", false, 404),
        };
        var failures = new List<string>();
        await using var anonymous = await Viewer.OpenAsync(chromium, server, width, height, scheme, bypassCsp: true);
        await using var signedIn = await Viewer.OpenAsync(chromium, server, width, height, scheme, bypassCsp: true);
        await signedIn.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = owner.SessionToken, Url = server.BaseUri.ToString() }]);
        foreach (var (name, path, withSession, status) in pages)
        {
            var viewer = withSession ? signedIn : anonymous;
            Assert.Equal(status, await viewer.GoAsync(path));
            var violations = await Axe.SeriousViolationsAsync(viewer.Page);
            failures.AddRange(violations.Select(v => $"{name} ({path}, {width} px, {scheme.ToString().ToLowerInvariant()}): {v}"));
        }
        Assert.True(failures.Count == 0, $"{failures.Count} serious or critical axe-core violations:\n\n" + string.Join("\n\n", failures));
    }
}

public sealed class AccessibilityTestsWideLight(SqliteServer server, Chromium chromium)
    : AccessibilityTests(server, chromium, Screenshots.Sizes[0].Width, Screenshots.Sizes[0].Height, ColorScheme.Light), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class AccessibilityTestsWideDark(SqliteServer server, Chromium chromium)
    : AccessibilityTests(server, chromium, Screenshots.Sizes[0].Width, Screenshots.Sizes[0].Height, ColorScheme.Dark), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class AccessibilityTestsPhoneLight(SqliteServer server, Chromium chromium)
    : AccessibilityTests(server, chromium, Screenshots.Sizes[1].Width, Screenshots.Sizes[1].Height, ColorScheme.Light), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class AccessibilityTestsPhoneDark(SqliteServer server, Chromium chromium)
    : AccessibilityTests(server, chromium, Screenshots.Sizes[1].Width, Screenshots.Sizes[1].Height, ColorScheme.Dark), IClassFixture<SqliteServer>, IClassFixture<Chromium>;
