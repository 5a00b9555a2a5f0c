using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>
/// A review's and a line comment's <c>author_association</c> is the writer's relation to the repository, as GitHub documents
/// it and as issues and comments answer: a collaborator reviewing someone else's pull request is a COLLABORATOR there.
/// </summary>
public abstract class ReviewAuthorAssociationTests(PullsServer server)
{
    [Fact]
    public async Task Reviewers_are_associated_with_the_repository_not_with_the_pull_request()
    {
        using var repo = await PullRepo.CreateAsync(server);
        await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main");
        await repo.PushAsync("feature");
        var collaborator = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        using (var o = repo.Owner.Client())
        {
            (await o.PutAsJsonAsync($"{repo.V1}/collaborators/{collaborator.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        }
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Review me", headBranch = "feature", baseBranch = "main" });
        var v1 = $"{repo.V1}/pulls/{pr.Number()}";
        using var c = collaborator.Client();
        using var s = stranger.Client();

        var approved = await (await c.PostAsJsonAsync($"{v1}/reviews", new { @event = "APPROVE" })).JsonAsync();
        Assert.Equal("COLLABORATOR", approved.Str("author_association"));
        var commented = await (await s.PostAsJsonAsync($"{v1}/reviews", new { @event = "COMMENT", body = "looks fine" })).JsonAsync();
        Assert.Equal("NONE", commented.Str("author_association"));
        var line = await (await c.PostAsJsonAsync($"{v1}/comments", new { body = "nice", path = "feature.txt", line = 1, side = "RIGHT" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("COLLABORATOR", line.Str("author_association"));

        var reviews = await (await s.GetAsync($"{v1}/reviews")).JsonAsync();
        Assert.Equal(["COLLABORATOR", "NONE"], reviews.AsArray().Select(r => r!.Str("author_association")));
        var comments = await (await s.GetAsync($"{v1}/comments")).JsonAsync();
        Assert.Equal("COLLABORATOR", Assert.Single(comments.AsArray())!.Str("author_association"));
        // The same user's association on an issue comment of the same pull request: one answer.
        var general = await (await c.PostAsJsonAsync($"{repo.V1}/issues/{pr.Number()}/comments", new { body = "merging soon" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("COLLABORATOR", general.Str("author_association"));
    }
}

public sealed class ReviewAuthorAssociationTestsOnSqlite(PullsSqliteServer s) : ReviewAuthorAssociationTests(s), IClassFixture<PullsSqliteServer>;

public sealed class ReviewAuthorAssociationTestsOnPostgres(PullsPostgresServer s) : ReviewAuthorAssociationTests(s), IClassFixture<PullsPostgresServer>;
