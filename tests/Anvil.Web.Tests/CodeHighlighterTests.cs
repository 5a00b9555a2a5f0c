using Anvil.Git.Reading;
using Anvil.Web.Rendering;

namespace Anvil.Web.Tests;

/// <summary>What the highlighter hands the pages: escaped text in class spans, or nothing (plain) when it should not try.</summary>
public sealed class CodeHighlighterTests : IDisposable
{
    // The tokens, not the production time limits, are under test (a loaded machine would hit those and get plain text).
    private readonly CodeHighlighter _highlighter = new(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    public void Dispose() => _highlighter.Dispose();

    private static readonly string Oid = new('a', 40);

    [Fact]
    public void Tokens_become_class_spans_around_escaped_text()
    {
        var html = _highlighter.Highlight(Oid, "x.js", ["let s = \"<img src=x onerror=alert(1)>\" && 1; // a & b"], 64)!;
        var line = Assert.Single(html);
        Assert.StartsWith("<span class=\"hl-k\">let</span>", line);
        Assert.Contains("<span class=\"hl-s\">&quot;&lt;img src=x onerror=alert(1)&gt;&quot;</span>", line);
        Assert.Contains("<span class=\"hl-n\">1</span>", line);
        Assert.Contains("<span class=\"hl-c\">// a &amp; b</span>", line);
        Assert.DoesNotContain("style=", line);
        Assert.DoesNotContain("<img", line);
    }

    [Fact]
    public void The_language_comes_from_the_file_name_or_extension()
    {
        Assert.Equal("csharp", _highlighter.LanguageOf("src/A.cs"));
        Assert.Equal("python", _highlighter.LanguageOf("tool.PY"));
        Assert.Equal("makefile", _highlighter.LanguageOf("sub/Makefile"));
        Assert.Equal("dockerfile", _highlighter.LanguageOf("Dockerfile"));
        Assert.Null(_highlighter.LanguageOf("notes.txt"));
        Assert.Null(_highlighter.LanguageOf("LICENSE"));
    }

    [Fact]
    public void Unknown_languages_and_files_over_the_limits_are_left_plain()
    {
        Assert.Null(_highlighter.Highlight(Oid, "notes.txt", ["just text"], 9));
        Assert.Null(_highlighter.Highlight(Oid, "big.py", ["x = 1"], CodeHighlighter.MaxBytes + 1));
        Assert.Null(_highlighter.Highlight(Oid, "long.py", Enumerable.Repeat("x = 1", CodeHighlighter.MaxLines + 1).ToList(), 100));
    }

    [Fact]
    public void A_very_long_line_is_escaped_but_not_tokenized_and_the_lines_around_it_still_are()
    {
        var minified = "var a = '<b>';" + new string(' ', 6000);
        var html = _highlighter.Highlight(new string('b', 40), "min.js", ["var x = 1;", minified, "var y = 2;"], 7000)!;
        Assert.Equal(3, html.Count);
        Assert.Equal(minified.Replace("<", "&lt;").Replace(">", "&gt;"), html[1]);
        Assert.StartsWith("<span class=\"hl-k\">var</span>", html[2]);
    }

    [Fact]
    public void A_diff_is_highlighted_per_side_and_mapped_back_to_its_lines()
    {
        DiffLine L(DiffLineType t, string s) => new(t, s, null, null);
        var hunk = new DiffHunk(1, 2, 1, 2, "@@ -1,2 +1,2 @@", "",
            [L(DiffLineType.Context, "x = 1"), L(DiffLineType.Deletion, "y = \"old\""), L(DiffLineType.Addition, "y = 'new'  # new")]);
        var file = new DiffFile("a.py", null, DiffFileStatus.Modified, "100644", "100644", new string('1', 40), new string('2', 40),
            null, 1, 1, false, [hunk], false);

        var html = _highlighter.HighlightDiff(file)!;
        var lines = Assert.Single(html);
        Assert.Equal(3, lines.Count);
        Assert.Contains("<span class=\"hl-n\">1</span>", lines[0]);
        Assert.Contains("<span class=\"hl-s\">&quot;old&quot;</span>", lines[1]);
        Assert.Contains("<span class=\"hl-s\">'new'</span>", lines[2]);
        Assert.Contains("<span class=\"hl-c\"># new</span>", lines[2]);
    }

    [Fact]
    public void An_answer_a_time_limit_cut_short_is_tried_again_a_minute_later_while_a_whole_one_is_kept()
    {
        var clock = new SteppedClock();
        string[] lines = ["def greet(name):", "    return \"<i>hi</i> \" + name"];
        // A limit of one tick: every line runs out of time, and what was not reached stays plain text, all of it there.
        using var hurried = new CodeHighlighter(TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1), clock);
        var cut = hurried.Highlight(Oid, "a.py", lines, 48)!;
        Assert.Equal(lines, cut.Select(Text));
        Assert.Same(cut, hurried.Highlight(Oid, "a.py", lines, 48));
        clock.Advance(CodeHighlighter.CutShortKeptFor - TimeSpan.FromSeconds(1));
        Assert.Same(cut, hurried.Highlight(Oid, "a.py", lines, 48));
        clock.Advance(TimeSpan.FromSeconds(1));
        var again = hurried.Highlight(Oid, "a.py", lines, 48)!;
        Assert.NotSame(cut, again);
        Assert.Equal(lines, again.Select(Text));

        using var patient = new CodeHighlighter(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), clock);
        var whole = patient.Highlight(Oid, "a.py", lines, 48)!;
        Assert.Contains("<span class=\"hl-f\">greet</span>", whole[0]);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Same(whole, patient.Highlight(Oid, "a.py", lines, 48));
    }

    private static string Text(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", ""));

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
