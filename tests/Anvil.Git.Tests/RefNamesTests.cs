namespace Anvil.Git.Tests;

/// <summary>Branch names are what <c>git check-ref-format --branch</c> takes, less the names git would read as HEAD or a commit.</summary>
public sealed class RefNamesTests
{
    public static TheoryData<string> GitBranchNames => new()
    {
        "main", "feature/x", "refs/x", "refs/heads/x", "a@b", "@x", "ä", "a.b", "-x", "a..b", "a b", "x.lock", "a~1", "a:b", "a^",
        "a*", "a?", "a[", "a\\b", "/x", "x/", "a//b", ".x", "x.", "a@{b", "a\tb",
    };

    [Theory]
    [MemberData(nameof(GitBranchNames))]
    public async Task A_branch_name_is_valid_exactly_when_git_takes_it(string name)
    {
        var git = await GitCli.RunAsync(null, ["check-ref-format", "--branch", name]);
        Assert.Equal(git.Success, RefNames.BranchProblem(name) is null);
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("@")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF01234567")]
    public void Names_git_would_read_as_HEAD_or_a_commit_are_reserved(string name) =>
        Assert.Equal(BranchNameProblem.Reserved, RefNames.BranchProblem(name));

    [Fact]
    public void Missing_and_overlong_names_are_refused()
    {
        Assert.Equal(BranchNameProblem.Missing, RefNames.BranchProblem(""));
        Assert.Equal(BranchNameProblem.Missing, RefNames.BranchProblem(null));
        Assert.Null(RefNames.BranchProblem(new string('b', RefNames.MaxBranchLength)));
        Assert.Equal(BranchNameProblem.Invalid, RefNames.BranchProblem(new string('b', RefNames.MaxBranchLength + 1)));
        // 40 hex digits and one more are a name like any other.
        Assert.Null(RefNames.BranchProblem("0123456789abcdef0123456789abcdef012345678"));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("HEAD")]
    [InlineData("@")]
    [InlineData("a..b")]
    [InlineData("x.lock")]
    [InlineData("a/b")]
    public async Task One_level_names_are_valid_exactly_when_git_allows_them(string name)
    {
        var git = await GitCli.RunAsync(null, ["check-ref-format", "--allow-onelevel", name]);
        Assert.Equal(git.Success, RefNames.IsValid(name, allowOneLevel: true));
    }

    [Fact]
    public void Branch_and_tag_refs_are_named_and_read_back()
    {
        Assert.Equal("refs/heads/main", RefNames.Branch("main"));
        Assert.Equal("main", RefNames.BranchOf("refs/heads/main"));
        Assert.Null(RefNames.BranchOf("refs/tags/main"));
        Assert.Equal("v1", RefNames.TagOf(RefNames.Tag("v1")));
    }
}
