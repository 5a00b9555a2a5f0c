using System.Text;

namespace Anvil.Server.Actions;

/// <summary>What a job's <c>if</c> can see: the status functions and a few <c>github.*</c> values.</summary>
public sealed record ExpressionContext(IReadOnlyDictionary<string, string?> Github, bool NeedsSucceeded, bool NeedsFailed, bool Cancelled);

/// <summary>
/// The small subset of GitHub's expression language a job's <c>if</c> may use: <c>success()</c>,
/// <c>failure()</c>, <c>always()</c>, <c>cancelled()</c>, <c>github.&lt;name&gt;</c>, string, boolean and
/// null literals, <c>==</c>, <c>!=</c>, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses. Parsed when
/// the workflow is read, so a typo fails the run up front instead of silently skipping a job.
/// </summary>
public sealed class WorkflowExpression
{
    public static readonly IReadOnlySet<string> GithubNames = new HashSet<string>
        { "ref", "ref_name", "event_name", "sha", "repository", "actor", "workflow", "run_id", "head_ref", "base_ref" };

    private abstract record Node;
    private sealed record Literal(object? Value) : Node;
    private sealed record Github(string Name) : Node;
    private sealed record Call(string Name) : Node;
    private sealed record Not(Node Operand) : Node;
    private sealed record Binary(string Op, Node Left, Node Right) : Node;

    private readonly Node _root;

    public string Text { get; }

    /// <summary>Whether the expression calls a status function (else GitHub implies <c>success() &amp;&amp; …</c>).</summary>
    public bool UsesStatusFunction { get; }

    private WorkflowExpression(string text, Node root, bool usesStatus) => (Text, _root, UsesStatusFunction) = (text, root, usesStatus);

    /// <summary>Parses an <c>if</c>; throws <see cref="FormatException"/> with a readable message when it is not valid.</summary>
    public static WorkflowExpression Parse(string text)
    {
        var body = text.Trim();
        if (body.StartsWith("${{", StringComparison.Ordinal) && body.EndsWith("}}", StringComparison.Ordinal))
        {
            body = body[3..^2];
        }
        var parser = new Parser(Tokenize(body));
        var root = parser.ParseOr();
        if (!parser.AtEnd)
        {
            throw new FormatException($"unexpected '{parser.Peek}' in expression '{text}'");
        }
        return new WorkflowExpression(text, root, parser.UsesStatus);
    }

    public bool Evaluate(ExpressionContext ctx)
    {
        var value = Truthy(Eval(_root, ctx));
        return UsesStatusFunction ? value : value && ctx.NeedsSucceeded && !ctx.Cancelled;
    }

    private static object? Eval(Node node, ExpressionContext ctx) => node switch
    {
        Literal l => l.Value,
        Github g => ctx.Github.GetValueOrDefault(g.Name),
        Call { Name: "success" } => ctx.NeedsSucceeded && !ctx.Cancelled,
        Call { Name: "failure" } => ctx.NeedsFailed,
        Call { Name: "always" } => true,
        Call { Name: "cancelled" } => ctx.Cancelled,
        Not n => !Truthy(Eval(n.Operand, ctx)),
        Binary { Op: "&&" } b => Truthy(Eval(b.Left, ctx)) && Truthy(Eval(b.Right, ctx)),
        Binary { Op: "||" } b => Truthy(Eval(b.Left, ctx)) || Truthy(Eval(b.Right, ctx)),
        Binary { Op: "==" } b => Same(Eval(b.Left, ctx), Eval(b.Right, ctx)),
        Binary { Op: "!=" } b => !Same(Eval(b.Left, ctx), Eval(b.Right, ctx)),
        _ => throw new InvalidOperationException("unknown expression node"),
    };

    // GitHub compares strings case-insensitively.
    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
        _ => Equals(a, b),
    };

    private static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        _ => true,
    };

    private static List<string> Tokenize(string s)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                var sb = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        throw new FormatException("unterminated string in expression");
                    }
                    if (s[i] == '\'')
                    {
                        if (i + 1 < s.Length && s[i + 1] == '\'')
                        {
                            sb.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(s[i++]);
                }
                tokens.Add(sb.ToString());
            }
            else if (i + 1 < s.Length && s.Substring(i, 2) is "==" or "!=" or "&&" or "||")
            {
                tokens.Add(s.Substring(i, 2));
                i += 2;
            }
            else if (c is '!' or '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or '-'))
                {
                    i++;
                }
                tokens.Add(s[start..i]);
            }
            else
            {
                throw new FormatException($"unexpected character '{c}' in expression");
            }
        }
        return tokens;
    }

    private sealed class Parser(List<string> tokens)
    {
        private int _pos;
        public bool UsesStatus { get; private set; }
        public bool AtEnd => _pos >= tokens.Count;
        public string? Peek => AtEnd ? null : tokens[_pos];

        private string Next() => !AtEnd ? tokens[_pos++] : throw new FormatException("expression ends too early");

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (Peek == "||")
            {
                _pos++;
                left = new Binary("||", left, ParseAnd());
            }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseEquality();
            while (Peek == "&&")
            {
                _pos++;
                left = new Binary("&&", left, ParseEquality());
            }
            return left;
        }

        private Node ParseEquality()
        {
            var left = ParseUnary();
            while (Peek is "==" or "!=")
            {
                var op = Next();
                left = new Binary(op, left, ParseUnary());
            }
            return left;
        }

        private Node ParseUnary()
        {
            if (Peek == "!")
            {
                _pos++;
                return new Not(ParseUnary());
            }
            return ParsePrimary();
        }

        private Node ParsePrimary()
        {
            var t = Next();
            if (t == "(")
            {
                var inner = ParseOr();
                if (Next() != ")")
                {
                    throw new FormatException("missing ')' in expression");
                }
                return inner;
            }
            if (t.StartsWith('\''))
            {
                return new Literal(t[1..]);
            }
            switch (t)
            {
                case "true":
                    return new Literal(true);
                case "false":
                    return new Literal(false);
                case "null":
                    return new Literal(null);
                case "success" or "failure" or "always" or "cancelled":
                    if (Next() != "(" || Next() != ")")
                    {
                        throw new FormatException($"{t} takes no arguments: write {t}()");
                    }
                    UsesStatus = true;
                    return new Call(t);
            }
            if (t.StartsWith("github.", StringComparison.Ordinal) && GithubNames.Contains(t["github.".Length..]))
            {
                return new Github(t["github.".Length..]);
            }
            throw new FormatException($"unsupported name '{t}' in expression (known: success(), failure(), always(), cancelled(), github.{string.Join(", github.", GithubNames)})");
        }
    }
}
