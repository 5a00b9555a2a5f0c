using System.Diagnostics;
using System.Text;
using Anvil.Git.Reading;
using Microsoft.Extensions.Caching.Memory;
using TextMateSharp.Grammars;
using TextMateSharp.Registry;

namespace Anvil.Web.Rendering;

/// <summary>
/// Syntax highlighting on the server with TextMate grammars (VS Code's, from TextMateSharp.Grammars). Each line comes
/// back as HTML: its text escaped, tokens wrapped in <c>&lt;span class="hl-…"&gt;</c> (never inline styles: the CSP
/// allows only the stylesheet, which colours the classes for both themes). Results are cached by blob id, since a blob
/// never changes; a file too large, a language with no grammar, or a file the tokenizer takes too long on is shown plain.
/// </summary>
public sealed class CodeHighlighter : IDisposable
{
    public const int MaxBytes = 512 * 1024;
    public const int MaxLines = 20_000;

    // A minified line thousands of characters long is shown plain rather than tokenized (TextMate is slow on those).
    private const int MaxLineChars = 5_000;
    private readonly TimeSpan _lineTimeLimit;
    private readonly TimeSpan _fileTimeLimit;
    private readonly TimeProvider _clock;

    /// <summary>
    /// How long an answer a time limit cut short is kept: the limit may have been the machine's load rather than the
    /// file, so it is tried again later, but not on every view of a file that really is that slow.
    /// </summary>
    public static readonly TimeSpan CutShortKeptFor = TimeSpan.FromMinutes(1);

    public CodeHighlighter() : this(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2))
    {
    }

    /// <summary>
    /// With other limits on how long a line and a file may take to tokenize before they are shown plain: what the tokens
    /// are does not depend on them, so a test on a busy machine can ask what they are without racing the clock.
    /// </summary>
    public CodeHighlighter(TimeSpan lineTimeLimit, TimeSpan fileTimeLimit, TimeProvider? clock = null)
    {
        _lineTimeLimit = lineTimeLimit;
        _fileTimeLimit = fileTimeLimit;
        _clock = clock ?? TimeProvider.System;
    }

    // Cache entries are sized by the characters of HTML they hold.
    private const long CacheSizeLimit = 16_000_000;

    /// <summary>The file names whose extension does not name their language.</summary>
    private static readonly Dictionary<string, string> LanguageByFileName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Makefile"] = "makefile", ["GNUmakefile"] = "makefile", ["Dockerfile"] = "dockerfile", ["Containerfile"] = "dockerfile",
        ["Gemfile"] = "ruby", ["Rakefile"] = "ruby", [".bashrc"] = "shellscript", [".profile"] = "shellscript",
    };

    /// <summary>Scope prefixes to classes: the deepest scope of a token that one of these starts decides its class ("" is plain).</summary>
    private static readonly (string Scope, string Class)[] Classes =
    [
        ("comment", "hl-c"),
        ("string.regexp", "hl-r"),
        ("constant.character.escape", "hl-r"),
        ("string", "hl-s"),
        ("markup.inline.raw", "hl-s"),
        ("markup.fenced_code", "hl-s"),
        ("constant", "hl-n"),
        ("keyword.operator", ""),
        ("keyword", "hl-k"),
        ("storage", "hl-k"),
        ("entity.name.function", "hl-f"),
        ("support.function", "hl-f"),
        ("entity.name.tag", "hl-g"),
        ("entity.other.attribute-name", "hl-a"),
        ("entity.name.type", "hl-t"),
        ("entity.name.class", "hl-t"),
        ("entity.other.inherited-class", "hl-t"),
        ("support.type", "hl-t"),
        ("support.class", "hl-t"),
        ("entity.name.section", "hl-h"),
        ("markup.heading", "hl-h"),
        ("markup.inserted", "hl-i"),
        ("markup.deleted", "hl-d"),
        ("variable.language", "hl-k"),
    ];

    private readonly Lazy<Grammars> _grammars = new(() => new Grammars(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheSizeLimit });

    /// <summary>A file's lines as HTML, or null when it is shown plain (no grammar for it, too large, too slow).</summary>
    public IReadOnlyList<string>? Highlight(string blobOid, string path, IReadOnlyList<string> lines, long size)
    {
        if (size > MaxBytes || lines.Count > MaxLines || LanguageOf(path) is not { } language)
        {
            return null;
        }
        return Cached("b:" + blobOid + ":" + language, () => Tokenize(language, lines));
    }

    /// <summary>
    /// A diff's lines as HTML, per hunk and line, or null when plain. The old side (context and deletions) and the new
    /// side (context and additions) are each tokenized in order, so a line is coloured as it reads in its own file.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? HighlightDiff(DiffFile file)
    {
        var lineCount = file.Hunks.Sum(h => h.Lines.Count);
        if (file.IsBinary || lineCount == 0 || lineCount > MaxLines || LanguageOf(file.Path) is not { } language)
        {
            return null;
        }
        var key = "d:" + file.OldOid + ":" + file.NewOid + ":" + language + ":" + lineCount;
        var flat = Cached(key, () =>
        {
            var all = file.Hunks.SelectMany(h => h.Lines).ToList();
            var (oldSide, oldCut) = Tokenize(language, all.Where(l => l.Type != DiffLineType.Addition).Select(l => l.Content).ToList());
            var (newSide, newCut) = Tokenize(language, all.Where(l => l.Type != DiffLineType.Deletion).Select(l => l.Content).ToList());
            if (oldSide is null || newSide is null)
            {
                return (null, oldCut || newCut);
            }
            var html = new string[all.Count];
            int o = 0, n = 0;
            for (var i = 0; i < all.Count; i++)
            {
                if (all[i].Type == DiffLineType.Deletion)
                {
                    html[i] = oldSide[o++];
                }
                else
                {
                    html[i] = newSide[n++];
                    o += all[i].Type == DiffLineType.Context ? 1 : 0;
                }
            }
            return (html, oldCut || newCut);
        });
        if (flat is null)
        {
            return null;
        }
        var hunks = new List<IReadOnlyList<string>>(file.Hunks.Count);
        var at = 0;
        foreach (var h in file.Hunks)
        {
            hunks.Add(new ArraySegment<string>(flat, at, h.Lines.Count));
            at += h.Lines.Count;
        }
        return hunks;
    }

    /// <summary>The TextMate language id for a path, from its file name or extension; null when there is none.</summary>
    public string? LanguageOf(string path)
    {
        var name = Path.GetFileName(path);
        if (LanguageByFileName.TryGetValue(name, out var byName))
        {
            return byName;
        }
        return _grammars.Value.LanguageByExtension.GetValueOrDefault(Path.GetExtension(name));
    }

    private string[]? Cached(string key, Func<(string[]? Lines, bool CutShort)> make)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(key, out Highlighted? hit) && !(hit!.TryAgainAt <= now))
        {
            return hit.Lines;
        }
        var (made, cutShort) = make();
        // A plain answer is cached too, so a file the tokenizer gave up on is not tried again on every view.
        var size = made?.Sum(l => l.Length + 16) ?? 64;
        _cache.Set(key, new Highlighted(made, cutShort ? now + CutShortKeptFor : null), new MemoryCacheEntryOptions { Size = size });
        return made;
    }

    private sealed record Highlighted(string[]? Lines, DateTimeOffset? TryAgainAt);

    /// <summary>The lines as HTML (null: plain), and whether a time limit cut the tokenizing short.</summary>
    private (string[]? Lines, bool CutShort) Tokenize(string language, IReadOnlyList<string> lines)
    {
        var grammar = _grammars.Value.For(language);
        if (grammar is null)
        {
            return (null, false);
        }
        var cutShort = false;
        var html = new string[lines.Count];
        var clock = Stopwatch.StartNew();
        var line = new StringBuilder();
        // A grammar compiles its rules lazily and is not safe to tokenize with from two threads at once.
        lock (grammar)
        {
            IStateStack? state = null;
            for (var i = 0; i < lines.Count; i++)
            {
                if (clock.Elapsed > _fileTimeLimit)
                {
                    return (null, true);
                }
                var text = lines[i];
                line.Clear();
                if (text.Length > MaxLineChars)
                {
                    Escape(line, text, 0, text.Length);
                    html[i] = line.ToString();
                    continue;
                }
                var result = grammar.TokenizeLine(text, state, _lineTimeLimit);
                if (StoppedEarly(result, text))
                {
                    // A grammar compiles each of its rules the first time a line needs it, on that line's time: a fresh
                    // grammar's first lines can run out of it. Tried again, the line pays only for matching.
                    result = grammar.TokenizeLine(text, state, _lineTimeLimit);
                    cutShort |= StoppedEarly(result, text);
                }
                state = result.RuleStack;
                Render(line, text, result.Tokens);
                html[i] = line.ToString();
            }
        }
        return (html, cutShort);
    }

    // The package's result type knows whether its time limit stopped it, but its public interface does not say: a line
    // it finished is covered by its tokens to the end.
    private static bool StoppedEarly(ITokenizeLineResult result, string text) =>
        text.Length > 0 && (result.Tokens.Length == 0 || result.Tokens[^1].EndIndex < text.Length);

    private static void Render(StringBuilder html, string text, IToken[] tokens)
    {
        var at = 0;
        string? open = null;
        foreach (var token in tokens)
        {
            var start = Math.Min(token.StartIndex, text.Length);
            var end = Math.Min(token.EndIndex, text.Length);
            if (end <= start || start < at)
            {
                continue;
            }
            var css = ClassOf(token.Scopes);
            // Neighbouring tokens of one class share a span: fewer bytes for the same colours.
            if (css != open)
            {
                if (open is not null)
                {
                    html.Append("</span>");
                }
                if (css is not null)
                {
                    html.Append("<span class=\"").Append(css).Append("\">");
                }
                open = css;
            }
            Escape(html, text, start, end - start);
            at = end;
        }
        if (open is not null)
        {
            html.Append("</span>");
        }
        // What the tokenizer did not reach (it stopped at its time limit) stays plain.
        Escape(html, text, at, text.Length - at);
    }

    private static string? ClassOf(List<string> scopes)
    {
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            var scope = scopes[i];
            foreach (var (prefix, css) in Classes)
            {
                if (scope.StartsWith(prefix, StringComparison.Ordinal) && (scope.Length == prefix.Length || scope[prefix.Length] == '.'))
                {
                    return css.Length == 0 ? null : css;
                }
            }
        }
        return null;
    }

    private static void Escape(StringBuilder html, string text, int start, int length)
    {
        var end = start + length;
        for (var i = start; i < end; i++)
        {
            switch (text[i])
            {
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '&': html.Append("&amp;"); break;
                case '"': html.Append("&quot;"); break;
                default: html.Append(text[i]); break;
            }
        }
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>The grammar registry, loaded on first use (it parses every grammar's manifest) and shared by all requests.</summary>
    private sealed class Grammars
    {
        private readonly RegistryOptions _options = new(ThemeName.Light);
        private readonly Registry _registry;
        private readonly Dictionary<string, IGrammar?> _loaded = [];

        public Grammars()
        {
            _registry = new Registry(_options);
            LanguageByExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var language in _options.GetAvailableLanguages())
            {
                foreach (var ext in language.Extensions ?? [])
                {
                    LanguageByExtension.TryAdd(ext, language.Id);
                }
            }
        }

        public Dictionary<string, string> LanguageByExtension { get; }

        public IGrammar? For(string language)
        {
            lock (_loaded)
            {
                if (!_loaded.TryGetValue(language, out var grammar))
                {
                    var scope = _options.GetScopeByLanguageId(language);
                    grammar = scope is null ? null : _registry.LoadGrammar(scope);
                    _loaded[language] = grammar;
                }
                return grammar;
            }
        }
    }
}
