using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Requested reviewers and review comment edits through Octokit.</summary>
public abstract class ReviewRequestCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Reviewers_are_requested_and_review_comments_edited_and_deleted()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var (helper, helperClient) = await OctokitClients.SignUpAsync(server);
        var (stranger, _) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("reviewed") { Private = true });
        await github.Repository.Collaborator.Add(owner.Username, "reviewed", helper.Username, new CollaboratorRequest("push"));
        using var git = new GitClient();
        var work = git.Path("reviewed");
        var url = GitClient.Url(server, owner.Username, "reviewed", owner.Username, owner.Password);
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        await git.CommitFileAsync(work, "README.md", "# reviewed\n", "Add readme");
        await git.OkAsync(work, "checkout", "-q", "-b", "feature");
        await git.CommitFileAsync(work, "feature.txt", "new\n", "Add feature");
        await git.OkAsync(work, "push", "-q", url, "main", "feature");
        var pr = await github.PullRequest.Create(owner.Username, "reviewed", new NewPullRequest("Review me", "feature", "main"));

        var requested = await github.PullRequest.ReviewRequest.Create(owner.Username, "reviewed", pr.Number,
            new PullRequestReviewRequest([helper.Username], null));
        Assert.Equal(helper.Username, Assert.Single(requested.RequestedReviewers).Login);
        var listed = await github.PullRequest.ReviewRequest.Get(owner.Username, "reviewed", pr.Number);
        Assert.Equal(helper.Username, Assert.Single(listed.Users).Login);
        Assert.Empty(listed.Teams);
        await Assert.ThrowsAsync<ApiValidationException>(() => github.PullRequest.ReviewRequest.Create(owner.Username, "reviewed", pr.Number,
            new PullRequestReviewRequest([stranger.Username], null)));
        await github.PullRequest.ReviewRequest.Delete(owner.Username, "reviewed", pr.Number, new PullRequestReviewRequest([helper.Username], null));
        Assert.Empty((await github.PullRequest.Get(owner.Username, "reviewed", pr.Number)).RequestedReviewers);

        // Octokit creates review comments by diff position, which Anvil does not take (it takes line and side): made over HTTP.
        using var h = helper.Client();
        var made = await h.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/reviewed/pulls/{pr.Number}/comments",
            new { body = "why new?", path = "feature.txt", line = 1, side = "RIGHT" });
        Assert.Equal(System.Net.HttpStatusCode.Created, made.StatusCode);
        var comment = (await made.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!;
        var commentId = comment["id"]!.GetValue<long>();
        var edited = await helperClient.PullRequest.ReviewComment.Edit(owner.Username, "reviewed", commentId, new PullRequestReviewCommentEdit("why is it new?"));
        Assert.Equal("why is it new?", edited.Body);
        Assert.Equal("why is it new?", (await github.PullRequest.ReviewComment.GetComment(owner.Username, "reviewed", commentId)).Body);
        await github.PullRequest.ReviewComment.Delete(owner.Username, "reviewed", commentId);
        await Assert.ThrowsAsync<NotFoundException>(() => github.PullRequest.ReviewComment.GetComment(owner.Username, "reviewed", commentId));
    }
}

public sealed class ReviewRequestCompatibilityOnSqlite(OctokitSqliteServer s) : ReviewRequestCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ReviewRequestCompatibilityOnPostgres(OctokitPostgresServer s) : ReviewRequestCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
