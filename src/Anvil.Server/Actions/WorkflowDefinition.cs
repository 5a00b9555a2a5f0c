using System.Text.RegularExpressions;
using Anvil.Git;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Anvil.Server.Actions;

/// <summary>Branch or tag filters of a trigger; empty lists mean "no filter of that kind".</summary>
public sealed record RefFilter(IReadOnlyList<string> Branches, IReadOnlyList<string> BranchesIgnore, IReadOnlyList<string> Tags, IReadOnlyList<string> TagsIgnore)
{
    public static readonly RefFilter Any = new([], [], [], []);

    /// <summary>Whether a push or pull request on <paramref name="fullRef"/> matches, with GitHub's rules.</summary>
    public bool Matches(string fullRef)
    {
        if (RefNames.BranchOf(fullRef) is { } branch)
        {
            if (Branches.Count == 0 && BranchesIgnore.Count == 0)
            {
                return Tags.Count == 0 && TagsIgnore.Count == 0; // only tag filters: branches don't trigger
            }
            return Branches.Count > 0 ? Branches.Any(p => Glob.IsMatch(p, branch)) : !BranchesIgnore.Any(p => Glob.IsMatch(p, branch));
        }
        if (RefNames.TagOf(fullRef) is { } tag)
        {
            if (Tags.Count == 0 && TagsIgnore.Count == 0)
            {
                return Branches.Count == 0 && BranchesIgnore.Count == 0;
            }
            return Tags.Count > 0 ? Tags.Any(p => Glob.IsMatch(p, tag)) : !TagsIgnore.Any(p => Glob.IsMatch(p, tag));
        }
        return false;
    }
}

/// <summary>GitHub's ref globs: <c>*</c> matches within a path segment, <c>**</c> across, <c>?</c> one character.</summary>
public static class Glob
{
    public static bool IsMatch(string pattern, string value)
    {
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*\*", "\u0001").Replace(@"\*", "[^/]*").Replace(@"\?", ".").Replace("\u0001", ".*") + "$";
        return Regex.IsMatch(value, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

public sealed record WorkflowTriggers(RefFilter? Push, RefFilter? PullRequest, bool Dispatch);

public sealed record StepDefinition(string Name, string? Run, string? Uses, IReadOnlyDictionary<string, string> Env, string? WorkingDirectory,
    IReadOnlyDictionary<string, string> With);

public sealed record JobDefinition(string Key, string Name, IReadOnlyList<string> RunsOn, IReadOnlyList<string> Needs, WorkflowExpression? If,
    IReadOnlyDictionary<string, string> Env, int TimeoutMinutes, IReadOnlyList<StepDefinition> Steps);

public sealed record WorkflowDefinition(string Name, WorkflowTriggers On, IReadOnlyDictionary<string, string> Env, IReadOnlyList<JobDefinition> Jobs);

/// <summary>Why a workflow file could not be used; the message is shown on the failed run.</summary>
public sealed class WorkflowException(string message) : Exception(message);

/// <summary>
/// Reads a workflow file strictly: a key we do not understand is an error reported on the run,
/// never silently ignored (a misspelt <c>needs</c> must not quietly run jobs in the wrong order).
/// </summary>
public static partial class WorkflowParser
{
    public const int DefaultTimeoutMinutes = 360;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex JobKey();

    public static WorkflowDefinition Parse(string yaml, string fallbackName)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode m)
            {
                throw new WorkflowException("a workflow must be one YAML mapping");
            }
            root = m;
        }
        catch (YamlException e)
        {
            throw new WorkflowException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner reports some malformed input this way rather than as a YamlException.
            throw new WorkflowException($"invalid YAML: {e.Message}");
        }

        var map = Keys(root, "workflow", "name", "on", "env", "jobs", "permissions", "run-name");
        var name = map.TryGetValue("name", out var n) ? Scalar(n, "name") : fallbackName;
        var on = map.TryGetValue("on", out var o) ? Triggers(o) : throw new WorkflowException("the workflow has no 'on' (push, pull_request, workflow_dispatch)");
        var env = map.TryGetValue("env", out var e2) ? Env(e2, "env") : new Dictionary<string, string>();
        if (!map.TryGetValue("jobs", out var jobsNode) || jobsNode is not YamlMappingNode jobsMap || jobsMap.Children.Count == 0)
        {
            throw new WorkflowException("the workflow has no jobs");
        }
        var jobs = jobsMap.Children.Select(kv => Job(Scalar(kv.Key, "job id"), kv.Value)).ToList();
        var keys = jobs.Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            foreach (var need in job.Needs.Where(need => !keys.Contains(need)))
            {
                throw new WorkflowException($"job '{job.Key}' needs '{need}', which is not a job of this workflow");
            }
        }
        CheckAcyclic(jobs);
        return new WorkflowDefinition(name, on, env, jobs);
    }

    private static WorkflowTriggers Triggers(YamlNode node)
    {
        RefFilter? push = null, pr = null;
        var dispatch = false;
        void Add(string ev, YamlNode? config)
        {
            switch (ev)
            {
                case "push":
                    push = Filter(config, "on.push");
                    break;
                case "pull_request":
                    pr = Filter(config, "on.pull_request");
                    break;
                case "workflow_dispatch":
                    if (config is YamlMappingNode wd)
                    {
                        Keys(wd, "on.workflow_dispatch", "inputs");
                    }
                    dispatch = true;
                    break;
                default:
                    throw new WorkflowException($"unsupported event '{ev}' in 'on' (supported: push, pull_request, workflow_dispatch)");
            }
        }
        switch (node)
        {
            case YamlScalarNode s:
                Add(Scalar(s, "on"), null);
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq)
                {
                    Add(Scalar(item, "on"), null);
                }
                break;
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    Add(Scalar(k, "on"), v);
                }
                break;
        }
        return new WorkflowTriggers(push, pr, dispatch);
    }

    private static RefFilter Filter(YamlNode? node, string where)
    {
        if (node is null || node is YamlScalarNode { Value: null or "" })
        {
            return RefFilter.Any;
        }
        var map = Keys(node, where, "branches", "branches-ignore", "tags", "tags-ignore", "types");
        List<string> L(string key) => map.TryGetValue(key, out var v) ? List(v, $"{where}.{key}") : [];
        var filter = new RefFilter(L("branches"), L("branches-ignore"), L("tags"), L("tags-ignore"));
        if (filter.Branches.Count > 0 && filter.BranchesIgnore.Count > 0)
        {
            throw new WorkflowException($"{where}: use either branches or branches-ignore, not both");
        }
        return filter;
    }

    private static JobDefinition Job(string key, YamlNode node)
    {
        if (!JobKey().IsMatch(key))
        {
            throw new WorkflowException($"job id '{key}' must start with a letter or '_' and contain only letters, digits, '-' and '_'");
        }
        var where = $"jobs.{key}";
        var map = Keys(node, where, "name", "runs-on", "needs", "if", "env", "timeout-minutes", "steps", "permissions");
        var runsOn = map.TryGetValue("runs-on", out var r) ? List(r, $"{where}.runs-on") : throw new WorkflowException($"{where} has no runs-on");
        var needs = map.TryGetValue("needs", out var nd) ? List(nd, $"{where}.needs") : [];
        WorkflowExpression? condition = null;
        if (map.TryGetValue("if", out var ifNode))
        {
            try
            {
                condition = WorkflowExpression.Parse(Scalar(ifNode, $"{where}.if"));
            }
            catch (FormatException bad)
            {
                throw new WorkflowException($"{where}.if: {bad.Message}");
            }
        }
        var timeout = DefaultTimeoutMinutes;
        if (map.TryGetValue("timeout-minutes", out var t) && (!int.TryParse(Scalar(t, $"{where}.timeout-minutes"), out timeout) || timeout is < 1 or > 4320))
        {
            throw new WorkflowException($"{where}.timeout-minutes must be a whole number of minutes from 1 to 4320");
        }
        if (!map.TryGetValue("steps", out var stepsNode) || stepsNode is not YamlSequenceNode steps || steps.Children.Count == 0)
        {
            throw new WorkflowException($"{where} has no steps");
        }
        var stepList = steps.Children.Select((s, i) => Step(s, $"{where}.steps[{i}]")).ToList();
        return new JobDefinition(key, map.TryGetValue("name", out var n) ? Scalar(n, $"{where}.name") : key, runsOn, needs, condition,
            map.TryGetValue("env", out var e) ? Env(e, $"{where}.env") : new Dictionary<string, string>(), timeout, stepList);
    }

    private static StepDefinition Step(YamlNode node, string where)
    {
        var map = Keys(node, where, "name", "run", "uses", "env", "working-directory", "with", "id", "shell");
        var run = map.TryGetValue("run", out var r) ? Scalar(r, $"{where}.run") : null;
        var uses = map.TryGetValue("uses", out var u) ? Scalar(u, $"{where}.uses") : null;
        if ((run is null) == (uses is null))
        {
            throw new WorkflowException($"{where} needs exactly one of run or uses");
        }
        if (uses is not null && !uses.StartsWith("actions/checkout@", StringComparison.Ordinal) && !uses.StartsWith("actions/upload-artifact@", StringComparison.Ordinal))
        {
            throw new WorkflowException($"{where}: unsupported action '{uses}' (only actions/checkout and actions/upload-artifact are available)");
        }
        if (map.TryGetValue("shell", out var sh) && Scalar(sh, $"{where}.shell") != "bash")
        {
            throw new WorkflowException($"{where}.shell: only bash is supported");
        }
        var name = map.TryGetValue("name", out var n) ? Scalar(n, $"{where}.name")
            : uses is not null ? $"Run {uses}" : $"Run {run!.Split('\n')[0].Trim()}";
        if (name.Length > 255)
        {
            name = name[..255];
        }
        var with = map.TryGetValue("with", out var w) ? Env(w, $"{where}.with") : new Dictionary<string, string>();
        if (uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true
            && (!with.TryGetValue("path", out var artifactPath) || string.IsNullOrWhiteSpace(artifactPath)))
        {
            throw new WorkflowException($"{where}: actions/upload-artifact needs with.path");
        }
        return new StepDefinition(name, run, uses, map.TryGetValue("env", out var e) ? Env(e, $"{where}.env") : new Dictionary<string, string>(),
            map.TryGetValue("working-directory", out var wd) ? Scalar(wd, $"{where}.working-directory") : null, with);
    }

    private static void CheckAcyclic(List<JobDefinition> jobs)
    {
        var byKey = jobs.ToDictionary(j => j.Key);
        var state = new Dictionary<string, int>(); // 1 visiting, 2 done
        void Visit(string key, string path)
        {
            if (state.GetValueOrDefault(key) == 2)
            {
                return;
            }
            if (state.GetValueOrDefault(key) == 1)
            {
                throw new WorkflowException($"jobs depend on each other in a cycle: {path}");
            }
            state[key] = 1;
            foreach (var need in byKey[key].Needs)
            {
                Visit(need, $"{path} → {need}");
            }
            state[key] = 2;
        }
        foreach (var job in jobs)
        {
            Visit(job.Key, job.Key);
        }
    }

    private static Dictionary<string, YamlNode> Keys(YamlNode node, string where, params string[] allowed)
    {
        if (node is not YamlMappingNode map)
        {
            throw new WorkflowException($"{where} must be a mapping");
        }
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k, where);
            if (!allowed.Contains(key))
            {
                throw new WorkflowException($"unknown key '{key}' in {where} (allowed: {string.Join(", ", allowed)})");
            }
            result[key] = v;
        }
        return result;
    }

    private static string Scalar(YamlNode node, string where) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new WorkflowException($"{where} must be a single value");

    private static List<string> List(YamlNode node, string where) => node switch
    {
        YamlScalarNode s => [Scalar(s, where)],
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, where)).ToList(),
        _ => throw new WorkflowException($"{where} must be a value or a list of values"),
    };

    private static Dictionary<string, string> Env(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map)
        {
            throw new WorkflowException($"{where} must be a mapping of names to values");
        }
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k, where);
            if (!Regex.IsMatch(key, "^[A-Za-z_][A-Za-z0-9_-]*$"))
            {
                throw new WorkflowException($"{where}: '{key}' is not a valid name");
            }
            env[key] = Scalar(v, $"{where}.{key}");
        }
        return env;
    }
}
