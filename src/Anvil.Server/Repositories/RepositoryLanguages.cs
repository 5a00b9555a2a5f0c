using Anvil.Git;
using Anvil.Git.Reading;
using Microsoft.Extensions.Caching.Memory;

namespace Anvil.Server.Repositories;

/// <summary>One language's part of a repository's code, as GitHub's language bar shows it.</summary>
public sealed record LanguageShare(string Name, string Color, long Bytes);

/// <summary>
/// The languages of a repository's default branch, by bytes of code, as GitHub's linguist counts them in spirit: by
/// file extension, prose and data left out, and vendored or generated folders too. Remembered per repository until its
/// next push, so a list of repositories costs git only for those that changed.
/// </summary>
public sealed class RepositoryLanguages(RepositoryStore store, GitReader reader)
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    /// <summary>The languages, largest first; empty for an empty repository or one with no code.</summary>
    public async Task<IReadOnlyList<LanguageShare>> OfAsync(Repository repo, CancellationToken ct)
    {
        var key = (repo.Id, repo.PushedAt ?? repo.CreatedAt, repo.DefaultBranch);
        if (_cache.TryGetValue(key, out IReadOnlyList<LanguageShare>? known) && known is not null)
        {
            return known;
        }
        var gitDir = store.Open(repo).GitDir;
        IReadOnlyList<LanguageShare> shares = [];
        if (await reader.ResolveAsync(gitDir, repo.DefaultBranch, ct) is { } head)
        {
            shares = Measure(await reader.ListFileSizesAsync(gitDir, head, ct));
        }
        _cache.Set(key, shares, new MemoryCacheEntryOptions { Size = 1 + shares.Count, SlidingExpiration = TimeSpan.FromHours(6) });
        return shares;
    }

    /// <summary>The language with the most code, or null.</summary>
    public async Task<LanguageShare?> PrimaryAsync(Repository repo, CancellationToken ct) => (await OfAsync(repo, ct)) is [var first, ..] ? first : null;

    public static IReadOnlyList<LanguageShare> Measure(IEnumerable<(string Path, long Size)> files)
    {
        var bytes = new Dictionary<string, long>();
        foreach (var (path, size) in files)
        {
            if (LanguageTable.Of(path) is { } language)
            {
                bytes[language] = bytes.GetValueOrDefault(language) + size;
            }
        }
        return bytes.Where(b => b.Value > 0).OrderByDescending(b => b.Value).ThenBy(b => b.Key, StringComparer.Ordinal)
            .Select(b => new LanguageShare(b.Key, LanguageTable.ColorOf(b.Key), b.Value)).ToList();
    }
}

/// <summary>Which language a file is in, by name and extension; null for prose, data, and vendored or generated code.</summary>
public static class LanguageTable
{
    // Linguist's colours, so a language looks here as it does on GitHub.
    private static readonly Dictionary<string, string> Colors = new()
    {
        ["C#"] = "178600", ["F#"] = "b845fc", ["Visual Basic .NET"] = "945db7", ["Python"] = "3572a5", ["JavaScript"] = "f1e05a",
        ["TypeScript"] = "3178c6", ["Java"] = "b07219", ["Kotlin"] = "a97bff", ["Scala"] = "c22d40", ["Groovy"] = "4298b8",
        ["Go"] = "00add8", ["Rust"] = "dea584", ["C"] = "555555", ["C++"] = "f34b7d", ["Objective-C"] = "438eff", ["Swift"] = "f05138",
        ["Ruby"] = "701516", ["PHP"] = "4f5d95", ["Perl"] = "0298c3", ["Lua"] = "000080", ["R"] = "198ce7", ["Julia"] = "a270ba",
        ["Dart"] = "00b4ab", ["Elixir"] = "6e4a7e", ["Erlang"] = "b83998", ["Haskell"] = "5e5086", ["OCaml"] = "ef7a08",
        ["Clojure"] = "db5855", ["Zig"] = "ec915c", ["Nix"] = "7e7eff", ["Shell"] = "89e051", ["PowerShell"] = "012456",
        ["HTML"] = "e34c26", ["CSS"] = "663399", ["SCSS"] = "c6538c", ["Vue"] = "41b883", ["Svelte"] = "ff3e00",
        ["HTML+Razor"] = "512be4", ["Dockerfile"] = "384d54", ["Makefile"] = "427819", ["TeX"] = "3d6117", ["SQL"] = "e38c00",
    };

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".cs"] = "C#", [".csx"] = "C#", [".fs"] = "F#", [".fsx"] = "F#", [".vb"] = "Visual Basic .NET", [".py"] = "Python",
        [".pyi"] = "Python", [".js"] = "JavaScript", [".mjs"] = "JavaScript", [".cjs"] = "JavaScript", [".jsx"] = "JavaScript",
        [".ts"] = "TypeScript", [".tsx"] = "TypeScript", [".mts"] = "TypeScript", [".java"] = "Java", [".kt"] = "Kotlin",
        [".kts"] = "Kotlin", [".scala"] = "Scala", [".groovy"] = "Groovy", [".gradle"] = "Groovy", [".go"] = "Go", [".rs"] = "Rust",
        [".c"] = "C", [".h"] = "C", [".cc"] = "C++", [".cpp"] = "C++", [".cxx"] = "C++", [".hpp"] = "C++", [".hh"] = "C++",
        [".m"] = "Objective-C", [".mm"] = "Objective-C", [".swift"] = "Swift", [".rb"] = "Ruby", [".php"] = "PHP", [".pl"] = "Perl",
        [".pm"] = "Perl", [".lua"] = "Lua", [".r"] = "R", [".jl"] = "Julia", [".dart"] = "Dart", [".ex"] = "Elixir", [".exs"] = "Elixir",
        [".erl"] = "Erlang", [".hs"] = "Haskell", [".ml"] = "OCaml", [".mli"] = "OCaml", [".clj"] = "Clojure", [".cljs"] = "Clojure",
        [".zig"] = "Zig", [".nix"] = "Nix", [".sh"] = "Shell", [".bash"] = "Shell", [".zsh"] = "Shell", [".ps1"] = "PowerShell",
        [".psm1"] = "PowerShell", [".html"] = "HTML", [".htm"] = "HTML", [".css"] = "CSS", [".scss"] = "SCSS", [".vue"] = "Vue",
        [".svelte"] = "Svelte", [".cshtml"] = "HTML+Razor", [".razor"] = "HTML+Razor", [".tex"] = "TeX", [".sql"] = "SQL",
    };

    private static readonly Dictionary<string, string> ByFileName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Dockerfile"] = "Dockerfile", ["Makefile"] = "Makefile", ["GNUmakefile"] = "Makefile", ["Rakefile"] = "Ruby", ["Gemfile"] = "Ruby",
    };

    // Code that is someone else's or a build's output: not what the repository is written in.
    private static readonly string[] SkippedFolders = ["node_modules/", "vendor/", "third_party/", "third-party/", "dist/", "build/", "bin/", "obj/", ".git/"];

    public static string? Of(string path)
    {
        foreach (var folder in SkippedFolders)
        {
            if (path.StartsWith(folder, StringComparison.OrdinalIgnoreCase) || path.Contains("/" + folder, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".min.css", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return ByFileName.TryGetValue(name, out var byName) ? byName : ByExtension.GetValueOrDefault(Path.GetExtension(name));
    }

    public static string ColorOf(string language) => Colors.GetValueOrDefault(language, "8c959f");
}
