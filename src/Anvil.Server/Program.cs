using Anvil.Server;
using Anvil.Server.Admin;

if (args is ["admin", ..])
{
    return await AdminCli.RunAsync(args[1..]);
}

try
{
    var app = AnvilApp.Build(args);
    await AnvilApp.StartAsync(app);
    AnvilApp.CompactAfterStartupBurst(app);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (InvalidOperationException e) when (e.Source is "Anvil.Server")
{
    // A configuration or database the server refuses to start with: say why, without a stack trace.
    await Console.Error.WriteLineAsync($"anvil: {e.Message}");
    return 1;
}
