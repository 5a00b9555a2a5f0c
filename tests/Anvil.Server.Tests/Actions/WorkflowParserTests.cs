using Anvil.Server.Actions;

namespace Anvil.Server.Tests.Actions;

public sealed class WorkflowParserTests
{
    private const string Full = """
        name: CI
        on:
          push:
            branches: [main, 'release/**']
          pull_request:
            branches: main
          workflow_dispatch:
        env:
          GLOBAL: one
        jobs:
          build:
            runs-on: ubuntu-latest
            timeout-minutes: 5
            env:
              JOB: two
            steps:
              - uses: actions/checkout@v4
              - name: Say hello
                run: echo hello
                env:
                  STEP: three
                working-directory: sub
          deploy:
            needs: build
            if: github.ref == 'refs/heads/main' && github.event_name == 'push'
            runs-on: [self-hosted, linux]
            steps:
              - run: ./deploy.sh
        """;

    [Fact]
    public void Parses_triggers_jobs_steps_and_env()
    {
        var wf = WorkflowParser.Parse(Full, "ci.yml");
        Assert.Equal("CI", wf.Name);
        Assert.True(wf.On.Dispatch);
        Assert.True(wf.On.Push!.Matches("refs/heads/main"));
        Assert.True(wf.On.Push.Matches("refs/heads/release/1.0/hotfix"));
        Assert.False(wf.On.Push.Matches("refs/heads/feature"));
        Assert.False(wf.On.Push.Matches("refs/tags/v1"));
        Assert.True(wf.On.PullRequest!.Matches("refs/heads/main"));
        Assert.Equal("one", wf.Env["GLOBAL"]);
        var build = wf.Jobs[0];
        Assert.Equal(("build", 5, "ubuntu-latest"), (build.Key, build.TimeoutMinutes, build.RunsOn.Single()));
        Assert.Equal("actions/checkout@v4", build.Steps[0].Uses);
        Assert.Equal(("Say hello", "echo hello", "three", "sub"), (build.Steps[1].Name, build.Steps[1].Run, build.Steps[1].Env["STEP"], build.Steps[1].WorkingDirectory));
        var deploy = wf.Jobs[1];
        Assert.Equal(["build"], deploy.Needs);
        Assert.Equal(["self-hosted", "linux"], deploy.RunsOn);
        Assert.Equal(WorkflowParser.DefaultTimeoutMinutes, deploy.TimeoutMinutes);
        Assert.Equal("Run ./deploy.sh", deploy.Steps[0].Name);
    }

    [Theory]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    stpes:\n      - run: echo", "unknown key 'stpes'")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n        uses: actions/checkout@v4", "exactly one of run or uses")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: someone/else@v1", "unsupported action")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/upload-artifact@v4\n        with: {name: out}", "needs with.path")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    needs: b\n    steps:\n      - run: echo", "needs 'b'")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    needs: b\n    steps: [{run: echo}]\n  b:\n    runs-on: x\n    needs: a\n    steps: [{run: echo}]", "cycle")]
    [InlineData("on: schedule\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]", "unsupported event")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    if: github.nope == 'x'\n    steps: [{run: echo}]", "unsupported name")]
    [InlineData("on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: soon\n    steps: [{run: echo}]", "timeout-minutes")]
    [InlineData("on: push\njobs: {}", "no jobs")]
    [InlineData("jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]", "no 'on'")]
    [InlineData("on: push\njobs:\n  a: [unclosed", "invalid YAML")]
    [InlineData("- just\n- a list", "one YAML mapping")]
    [InlineData("on: [push\njobs: {", "invalid YAML")]
    public void Refuses_what_it_does_not_understand(string yaml, string expected)
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Parse(yaml, "x.yml"));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("success()", true, false, false, true)]
    [InlineData("success()", false, true, false, false)]
    [InlineData("failure()", false, true, false, true)]
    [InlineData("always()", false, true, true, true)]
    [InlineData("cancelled()", true, false, true, true)]
    [InlineData("github.ref == 'refs/heads/main'", true, false, false, true)]
    [InlineData("github.ref == 'refs/heads/main'", false, true, false, false)] // implied success()
    [InlineData("${{ github.event_name != 'push' || failure() }}", false, true, false, true)]
    [InlineData("!(github.event_name == 'PUSH')", true, false, false, false)]
    public void Evaluates_if_expressions(string expression, bool needsSucceeded, bool needsFailed, bool cancelled, bool expected)
    {
        var ctx = new ExpressionContext(new Dictionary<string, string?> { ["ref"] = "refs/heads/main", ["event_name"] = "push" }, needsSucceeded, needsFailed, cancelled);
        Assert.Equal(expected, WorkflowExpression.Parse(expression).Evaluate(ctx));
    }

    [Fact]
    public void Tag_and_ignore_filters_follow_GitHub()
    {
        var wf = WorkflowParser.Parse("on:\n  push:\n    tags: ['v*']\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]", "t.yml");
        Assert.True(wf.On.Push!.Matches("refs/tags/v1.2"));
        Assert.False(wf.On.Push.Matches("refs/heads/main"));
        var ignore = WorkflowParser.Parse("on:\n  push:\n    branches-ignore: ['wip/*']\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]", "t.yml");
        Assert.True(ignore.On.Push!.Matches("refs/heads/main"));
        Assert.False(ignore.On.Push.Matches("refs/heads/wip/x"));
    }
}
