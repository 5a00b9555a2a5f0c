using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Check runs and suites as Octokit creates, updates and reads them.</summary>
public abstract class CheckCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Check_runs_and_suites_round_trip_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("checked") { AutoInit = true });
        var sha = (await github.Repository.Branch.Get(owner.Username, "checked", "main")).Commit.Sha;

        var created = await github.Check.Run.Create(owner.Username, "checked", new NewCheckRun("lint", sha)
        {
            Status = CheckStatus.InProgress,
            ExternalId = "ci-1",
            DetailsUrl = "https://ci.example.com/1",
            Output = new NewCheckRunOutput("Linting", "running"),
        });
        Assert.Equal(sha, created.HeadSha);
        Assert.Equal(CheckStatus.InProgress, created.Status.Value);
        Assert.Equal("ci-1", created.ExternalId);
        Assert.NotNull(created.StartedAt);

        var updated = await github.Check.Run.Update(owner.Username, "checked", created.Id, new CheckRunUpdate
        {
            Status = CheckStatus.Completed,
            Conclusion = CheckConclusion.Success,
            Output = new NewCheckRunOutput("Lint", "clean"),
        });
        Assert.Equal(CheckConclusion.Success, updated.Conclusion!.Value.Value);
        Assert.Equal("clean", updated.Output.Summary);

        var got = await github.Check.Run.Get(owner.Username, "checked", created.Id);
        Assert.Equal("lint", got.Name);
        var runs = await github.Check.Run.GetAllForReference(owner.Username, "checked", sha);
        Assert.Equal(1, runs.TotalCount);
        Assert.Equal(created.Id, runs.CheckRuns.Single().Id);
        var suites = await github.Check.Suite.GetAllForReference(owner.Username, "checked", sha);
        Assert.Equal(1, suites.TotalCount);
        Assert.Equal(CheckStatus.Completed, suites.CheckSuites.Single().Status.Value);
        Assert.Equal(CheckConclusion.Success, suites.CheckSuites.Single().Conclusion!.Value.Value);
    }

    [Fact]
    public async Task Check_run_annotations_are_stored_appended_and_listed_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "annotated";
        var o = owner.Username;
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });
        var sha = (await github.Repository.Branch.Get(o, repo, "main")).Commit.Sha;

        var created = await github.Check.Run.Create(o, repo, new NewCheckRun("lint", sha)
        {
            Status = CheckStatus.InProgress,
            Output = new NewCheckRunOutput("Lint", "2 problems")
            {
                Annotations =
                [
                    new NewCheckRunAnnotation("src/app.cs", 3, 3, CheckAnnotationLevel.Warning, "unused variable")
                        { StartColumn = 5, EndColumn = 9, Title = "CS0168", RawDetails = "warning CS0168" },
                    new NewCheckRunAnnotation("src/app.cs", 10, 14, CheckAnnotationLevel.Failure, "unreachable code"),
                ],
            },
        });
        Assert.Equal(2, created.Output.AnnotationsCount);

        // An update appends, as on GitHub.
        var updated = await github.Check.Run.Update(o, repo, created.Id, new CheckRunUpdate
        {
            Output = new NewCheckRunOutput("Lint", "3 problems")
            {
                Annotations = [new NewCheckRunAnnotation("README.md", 1, 1, CheckAnnotationLevel.Notice, "no title line")],
            },
        });
        Assert.Equal(3, updated.Output.AnnotationsCount);
        Assert.Equal(3, (await github.Check.Run.Get(o, repo, created.Id)).Output.AnnotationsCount);

        // Paged two at a time: Octokit follows the Link header to the third.
        var annotations = await github.Check.Run.GetAllAnnotations(o, repo, created.Id, new ApiOptions { PageSize = 2 });
        Assert.Equal(["src/app.cs", "src/app.cs", "README.md"], annotations.Select(a => a.Path));
        var first = annotations[0];
        Assert.Equal((3, 3, 5, 9), (first.StartLine, first.EndLine, first.StartColumn!.Value, first.EndColumn!.Value));
        Assert.Equal(CheckAnnotationLevel.Warning, first.AnnotationLevel!.Value.Value);
        Assert.Equal(("unused variable", "CS0168", "warning CS0168"), (first.Message, first.Title, first.RawDetails));
        Assert.Equal($"{server.BaseUri.ToString().TrimEnd('/')}/{o}/{repo}/blob/{sha}/src/app.cs", first.BlobHref);
        Assert.Equal(CheckAnnotationLevel.Failure, annotations[1].AnnotationLevel!.Value.Value);
        Assert.Null(annotations[1].StartColumn);

        // Bad annotations: GitHub's 422 naming the field, and nothing of the request kept.
        var tooMany = await Assert.ThrowsAsync<ApiValidationException>(() => github.Check.Run.Update(o, repo, created.Id, new CheckRunUpdate
        {
            Output = new NewCheckRunOutput("Lint", "many")
            {
                Annotations = Enumerable.Range(1, 51).Select(i => new NewCheckRunAnnotation("a.txt", i, i, CheckAnnotationLevel.Notice, "n")).ToList(),
            },
        }));
        Assert.Equal("output.annotations", tooMany.ApiError.Errors.Single().Field);
        var noMessage = await Assert.ThrowsAsync<ApiValidationException>(() => github.Check.Run.Update(o, repo, created.Id, new CheckRunUpdate
        {
            Output = new NewCheckRunOutput("Lint", "x")
            {
                Annotations = [new NewCheckRunAnnotation("a.txt", 1, 1, CheckAnnotationLevel.Notice, "fine"), new NewCheckRunAnnotation("a.txt", 1, 1, CheckAnnotationLevel.Notice, "")],
            },
        }));
        Assert.Equal(("output.annotations[1].message", "missing_field"), (noMessage.ApiError.Errors.Single().Field, noMessage.ApiError.Errors.Single().Code));
        var columnsAcrossLines = await Assert.ThrowsAsync<ApiValidationException>(() => github.Check.Run.Create(o, repo, new NewCheckRun("other", sha)
        {
            Output = new NewCheckRunOutput("t", "s")
            {
                Annotations = [new NewCheckRunAnnotation("a.txt", 1, 2, CheckAnnotationLevel.Notice, "m") { StartColumn = 1, EndColumn = 2 }],
            },
        }));
        Assert.Equal("output.annotations[0].start_column", columnsAcrossLines.ApiError.Errors.Single().Field);
        var after = await github.Check.Run.Get(o, repo, created.Id);
        Assert.Equal((3, "3 problems"), (after.Output.AnnotationsCount, after.Output.Summary));
        Assert.Equal(3, (await github.Check.Run.GetAllAnnotations(o, repo, created.Id)).Count);
        Assert.DoesNotContain((await github.Check.Run.GetAllForReference(o, repo, sha)).CheckRuns, r => r.Name == "other");
        await Assert.ThrowsAsync<NotFoundException>(() => github.Check.Run.GetAllAnnotations(o, repo, 999_999_999));
    }
}

public sealed class CheckCompatibilityOnSqlite(OctokitSqliteServer s) : CheckCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class CheckCompatibilityOnPostgres(OctokitPostgresServer s) : CheckCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;
