using Anvil.Runner;

// anvil-runner: registers with an Anvil server, long-polls for jobs and runs them.
var options = RunnerOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(RunnerOptions.Usage);
    return 2;
}
var stop = new CancellationTokenSource(); // not disposed: ProcessExit may still cancel it while the process ends
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    return await new RunnerLoop(options).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
