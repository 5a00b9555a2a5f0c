using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// A repository's admin renames it, changes its visibility, gives people access and deletes it from the settings pages,
/// without script; everyone else finds no settings at all.
/// </summary>
public sealed class RepoSettingsTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task An_admin_renames_describes_and_hides_a_repository_and_the_old_address_leads_to_the_new_one()
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Repository" }).GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "General" })).ToBeVisibleAsync();

        // A name that is not allowed is refused with the reason and nothing changes.
        await page.GetByLabel("Repository name").FillAsync("no spaces allowed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Repository name")).ToHaveValueAsync("no spaces allowed");
        viewer.ForgetConsoleErrors(); // the 422
        using (var api = owner.Client())
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/repos/{o}/calculator")).StatusCode);
        }

        await page.GetByLabel("Repository name").FillAsync("abacus");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/abacus/settings?saved=1");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.GetByLabel("Repository name")).ToHaveValueAsync("abacus");

        // The old address of any page leads to the new one, as the API's rename does.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/blob/main/README.md"));
        Assert.EndsWith($"/{o}/abacus/blob/main/README.md", page.Url);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/settings"));
        Assert.EndsWith($"/{o}/abacus/settings", page.Url);

        await page.GetByLabel("Description").FillAsync("Counts beads.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save description" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.GetByLabel("Description")).ToHaveValueAsync("Counts beads.");

        // Visibility: private hides it from a stranger and from the signed-out (the 404 page), not from its owner.
        var stranger = await server.SignUpAsync();
        await using var strangerView = await Viewer.OpenAsync(chromium, server, javaScript: false);
        await strangerView.SignInAsync(stranger.Username, stranger.Password);
        Assert.Equal(200, await strangerView.GoAsync($"/{o}/abacus"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Make private" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.Locator(".repo-title .label")).ToHaveTextAsync("Private");
        Assert.Equal(404, await strangerView.GoAsync($"/{o}/abacus"));
        Assert.Equal(404, await strangerView.GoAsync($"/{o}/abacus/settings"));
        Assert.Equal(404, await strangerView.GoAsync($"/{o}/calculator")); // nor does the old name say where it went
        await using (var anonymous = await Viewer.OpenAsync(chromium, server))
        {
            Assert.Equal(404, await anonymous.GoAsync($"/{o}/abacus"));
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Make public" }).ClickAsync();
        await Assertions.Expect(page.Locator(".repo-title .label")).ToHaveTextAsync("Public");
        Assert.Equal(200, await strangerView.GoAsync($"/{o}/abacus"));
        // A reader who does not administer it sees neither the tab nor the pages.
        await Assertions.Expect(strangerView.Page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToHaveCountAsync(0);
        foreach (var section in new[] { "", "/collaborators", "/hooks", "/hooks/new", "/actions" })
        {
            Assert.Equal(404, await strangerView.GoAsync($"/{o}/abacus/settings{section}"));
        }
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Deleting_needs_the_full_name_typed_and_a_wrong_one_deletes_nothing()
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        await SampleRepository.PushAsyncForNewRepo(server, owner, "doomed");
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/doomed/settings"));

        await page.GetByLabel("To confirm, type").FillAsync("doomed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete this repository" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"Type {o}/doomed to confirm: the repository was not deleted.");
        viewer.ForgetConsoleErrors();
        using (var api = owner.Client())
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/repos/{o}/doomed")).StatusCode);
        }

        await page.GetByLabel("To confirm, type").FillAsync($"{o}/doomed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete this repository" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}");
        Assert.Equal(404, await viewer.GoAsync($"/{o}/doomed"));
        viewer.ForgetConsoleErrors(); // that 404
        using (var api = owner.Client())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/repos/{o}/doomed")).StatusCode);
        }
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_collaborator_added_in_the_browser_sees_and_pushes_to_a_private_repository_until_removed()
    {
        var owner = await server.SignUpAsync();
        var friend = await server.SignUpAsync();
        var o = owner.Username;
        using (var api = owner.Client())
        {
            (await api.PostAsJsonAsync("/api/v1/user/repos", new { name = "secret", @private = true })).EnsureSuccessStatusCode();
        }
        await SampleRepository.PushAsync(server, o, owner.Password, "secret");
        await using var admin = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = admin.Page;
        await admin.SignInAsync(o, owner.Password);
        await using var other = await Viewer.OpenAsync(chromium, server, javaScript: false);
        await other.SignInAsync(friend.Username, friend.Password);
        Assert.Equal(404, await other.GoAsync($"/{o}/secret"));

        Assert.Equal(200, await admin.GoAsync($"/{o}/secret/settings/collaborators"));
        await Assertions.Expect(page.GetByText("No one but you has access yet.")).ToBeVisibleAsync();
        // Someone who does not exist: said so, nothing added.
        await page.GetByLabel("Username").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add collaborator" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("There is no user named nobody-");
        admin.ForgetConsoleErrors();

        await page.GetByLabel("Username").FillAsync(friend.Username);
        await page.GetByLabel("Permission", new() { Exact = true }).SelectOptionAsync("read");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add collaborator" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.GetByLabel($"Permission of {friend.Username}", new() { Exact = true })).ToHaveValueAsync("read");

        // A reader sees the private repository, but cannot push, and its settings do not exist for them.
        Assert.Equal(200, await other.GoAsync($"/{o}/secret"));
        await Assertions.Expect(other.Page.GetByRole(AriaRole.Link, new() { Name = "README.md" })).ToBeVisibleAsync();
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, o, "secret", friend.Username, friend.Password), work);
        await git.CommitFileAsync(work, "friend.txt", "hello\n", "A friend's commit");
        await git.FailsAsync(work, "push", "-q", "origin", "HEAD:refs/heads/main");

        await page.GetByLabel($"Permission of {friend.Username}", new() { Exact = true }).SelectOptionAsync("write");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Change the permission of {friend.Username}" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel($"Permission of {friend.Username}", new() { Exact = true })).ToHaveValueAsync("write");
        await git.OkAsync(work, "push", "-q", "origin", "HEAD:refs/heads/main");
        Assert.Equal(200, await other.GoAsync($"/{o}/secret/blob/main/friend.txt"));
        // A writer is not an admin: no Settings tab, and the settings pages are the 404 page.
        Assert.Equal(200, await other.GoAsync($"/{o}/secret"));
        await Assertions.Expect(other.Page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToHaveCountAsync(0);
        Assert.Equal(404, await other.GoAsync($"/{o}/secret/settings"));
        Assert.Equal(404, await other.GoAsync($"/{o}/secret/settings/collaborators"));
        // Nor may they post the settings' forms, even with a valid antiforgery token of their own: the 404 page, nothing changed.
        Assert.Equal(200, await other.GoAsync($"/{o}/secret/issues/new"));
        var antiforgery = await other.Page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var forgedDelete = await other.Page.APIRequest.PostAsync($"/{o}/secret/settings", new()
        {
            Form = FormOf(other.Page.APIRequest, ("_handler", "delete"), ("__RequestVerificationToken", antiforgery!), ("Confirmation", $"{o}/secret")),
        });
        Assert.Equal(404, forgedDelete.Status);
        var forgedAdd = await other.Page.APIRequest.PostAsync($"/{o}/secret/settings/collaborators", new()
        {
            Form = FormOf(other.Page.APIRequest, ("_handler", "add"), ("__RequestVerificationToken", antiforgery!), ("Username", friend.Username), ("Permission", "admin")),
        });
        Assert.Equal(404, forgedAdd.Status);
        other.ForgetConsoleErrors();
        using (var api = owner.Client())
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/repos/{o}/secret")).StatusCode);
            Assert.Equal("write", (string?)(await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/secret/collaborators"))!.Single()!["role_name"]);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {friend.Username}" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No one but you has access yet.")).ToBeVisibleAsync();
        Assert.Equal(404, await other.GoAsync($"/{o}/secret"));
        using (var api = owner.Client())
        {
            Assert.Empty((await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/secret/collaborators"))!);
        }
        admin.AssertNoConsoleErrors();
    }

    private static IFormData FormOf(IAPIRequestContext request, params (string Name, string Value)[] fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }
        return form;
    }

    [Fact]
    public async Task The_default_branch_is_chosen_among_the_branches_and_an_archive_is_read_only_until_unarchived()
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        await SampleRepository.PushAsyncForNewRepo(server, owner, "branchy");
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            await git.OkAsync(null, "clone", "-q", GitClient.Url(server, o, "branchy", o, owner.Password), work);
            await git.OkAsync(work, "push", "-q", "origin", "HEAD:refs/heads/develop");
        }
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/branchy/settings"));
        await page.GetByLabel("The branch pull requests target").SelectOptionAsync("develop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        using (var api = owner.Client())
        {
            Assert.Equal("develop", (string?)(await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/branchy"))!["default_branch"]);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Archive this repository" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This repository is archived")).ToBeVisibleAsync();
        // Nothing but unarchiving changes an archive.
        await page.GetByLabel("Description").FillAsync("Changed while archived");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save description" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Repository was archived so is read-only.");
        viewer.ForgetConsoleErrors();
        await page.GetByRole(AriaRole.Button, new() { Name = "Unarchive this repository" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This repository is archived")).ToHaveCountAsync(0);
        using (var api = owner.Client())
        {
            var repo = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/branchy"))!;
            Assert.False((bool)repo["archived"]!);
            Assert.NotEqual("Changed while archived", (string?)repo["description"]);
        }
        viewer.AssertNoConsoleErrors();
    }
}
