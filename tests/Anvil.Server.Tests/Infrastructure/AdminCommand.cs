using Anvil.Server.Admin;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>The admin CLI, run as an operator runs it: against an instance's data directory and database.</summary>
public static class AdminCommand
{
    public static async Task<(int Code, string Output)> RunAsync(string dataDir, string? databaseUrl, params string[] args)
    {
        var output = new StringWriter();
        var code = await AdminCli.RunAsync(args, new Dictionary<string, string?>
        {
            ["ANVIL_DATA_DIR"] = dataDir,
            ["DATABASE_URL"] = databaseUrl,
        }, output);
        return (code, output.ToString());
    }

    public static Task<(int Code, string Output)> AdminAsync(this AnvilServer server, params string[] args) =>
        RunAsync(server.DataDir, server.DatabaseUrl, args);
}
