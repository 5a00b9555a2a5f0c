using System.Net;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Failures as Octokit turns them into exceptions: by status and by GitHub's message and errors.</summary>
public abstract class ErrorCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Missing_things_bad_tokens_and_taken_names_raise_Octokits_own_exceptions()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("errors"));

        var missing = await Assert.ThrowsAsync<NotFoundException>(() => github.Repository.Get(owner.Username, "no-such-repo"));
        Assert.Equal("Not Found", missing.Message);
        Assert.EndsWith("/docs", missing.ApiError.DocumentationUrl);

        var bad = OctokitClients.For(server, "shp_" + new string('z', 40));
        var refused = await Assert.ThrowsAsync<AuthorizationException>(() => bad.User.Current());
        Assert.Equal("Bad credentials", refused.Message);

        var takenLabel = await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Issue.Labels.Create(owner.Username, "errors", new NewLabel("bug", "ff0000")));
        Assert.Equal("Validation Failed", takenLabel.ApiError.Message);
        var error = Assert.Single(takenLabel.ApiError.Errors);
        Assert.Equal(("Label", "name", "already_exists"), (error.Resource, error.Field, error.Code));

        var takenName = await Assert.ThrowsAsync<ApiValidationException>(() => github.Repository.Create(new NewRepository("ERRORS")));
        Assert.Equal("already_exists", Assert.Single(takenName.ApiError.Errors).Code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, takenName.StatusCode);
    }

    [Fact]
    public async Task Merging_a_conflicting_pull_request_raises_PullRequestNotMergeableException()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("conflict"));
        using var git = new GitClient();
        var work = git.Path("conflict");
        var url = GitClient.Url(server, owner.Username, "conflict", owner.Username, owner.Password);
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        await git.CommitFileAsync(work, "README.md", "# base\n", "Add readme");
        await git.OkAsync(work, "checkout", "-q", "-b", "topic");
        await git.CommitFileAsync(work, "README.md", "# topic\n", "Topic readme");
        await git.OkAsync(work, "checkout", "-q", "main");
        var mainOid = await git.CommitFileAsync(work, "README.md", "# main\n", "Main readme");
        await git.OkAsync(work, "push", "-q", url, "main", "topic");
        var pr = await github.PullRequest.Create(owner.Username, "conflict", new NewPullRequest("Topic", "topic", "main"));

        var refused = await Assert.ThrowsAsync<PullRequestNotMergeableException>(() =>
            github.PullRequest.Merge(owner.Username, "conflict", pr.Number, new MergePullRequest()));
        Assert.Equal("Pull Request is not mergeable", refused.Message);
        Assert.Equal(mainOid, (await git.OkAsync(null, "ls-remote", url, "refs/heads/main")).Split('\t')[0]);
    }

    [Fact]
    public async Task Commit_lists_page_with_last_and_filter_by_author_and_date()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("history"));
        using var git = new GitClient();
        var work = git.Path("history");
        var url = GitClient.Url(server, owner.Username, "history", owner.Username, owner.Password);
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        var oids = new List<string>();
        for (var n = 0; n < 5; n++)
        {
            oids.Add(await git.CommitFileAsync(work, $"f{n}.txt", $"{n}\n", $"Commit {n}"));
        }
        await git.OkAsync(work, "push", "-q", url, "main");

        var firstPage = await github.Repository.Commit.GetAll(owner.Username, "history", new ApiOptions { PageSize = 2, PageCount = 1 });
        Assert.Equal([oids[4], oids[3]], firstPage.Select(c => c.Sha));
        var links = github.GetLastApiInfo().Links;
        Assert.Contains("page=3", links["last"].ToString());

        var all = await github.Repository.Commit.GetAll(owner.Username, "history", new ApiOptions { PageSize = 2 });
        Assert.Equal(oids.AsEnumerable().Reverse(), all.Select(c => c.Sha));

        var author = all[0].Commit.Author;
        var byAuthor = await github.Repository.Commit.GetAll(owner.Username, "history", new CommitRequest { Author = author.Email });
        Assert.Equal(5, byAuthor.Count);
        var since = await github.Repository.Commit.GetAll(owner.Username, "history",
            new CommitRequest { Since = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Empty(since);
        var byPath = await github.Repository.Commit.GetAll(owner.Username, "history", new CommitRequest { Path = "f2.txt" });
        Assert.Equal([oids[2]], byPath.Select(c => c.Sha));
    }
}

public sealed class ErrorCompatibilityOnSqlite(OctokitSqliteServer s) : ErrorCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ErrorCompatibilityOnPostgres(OctokitPostgresServer s) : ErrorCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
