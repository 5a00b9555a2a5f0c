using Anvil.Server.Repositories;

namespace Anvil.Server.Tests.Repositories;

/// <summary>What a repository is written in, as its lists show it: code by bytes, not prose, data or vendored code.</summary>
public sealed class RepositoryLanguageTests
{
    [Fact]
    public void Languages_are_measured_by_bytes_of_code_leaving_out_prose_data_and_vendored_folders()
    {
        var shares = RepositoryLanguages.Measure([
            ("src/App.cs", 3000), ("src/Page.razor", 500), ("tools/build.sh", 200), ("README.md", 90_000), ("data.json", 50_000),
            ("node_modules/left-pad/index.js", 80_000), ("web/vendor/jquery.js", 70_000), ("web/site.min.js", 60_000), ("web/site.js", 1000),
            ("Dockerfile", 100), ("src/Empty.cs", 0),
        ]);
        Assert.Equal(["C#", "JavaScript", "HTML+Razor", "Shell", "Dockerfile"], shares.Select(s => s.Name).ToArray());
        Assert.Equal(3000, shares[0].Bytes);
        Assert.Equal("178600", shares[0].Color);
        Assert.Empty(RepositoryLanguages.Measure([("README.md", 10), ("LICENSE", 1000)]));
    }
}
