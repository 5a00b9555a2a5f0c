using Anvil.Server;
using Anvil.Server.Admin;

if (args is ["admin", ..])
{
    return await AdminCli.RunAsync(args[1..]);
}

var app = AnvilApp.Build(args);
await AnvilApp.StartAsync(app);
await app.WaitForShutdownAsync();
return 0;
