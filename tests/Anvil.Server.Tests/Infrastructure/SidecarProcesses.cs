namespace Anvil.Server.Tests.Infrastructure;

/// <summary>Servers the tests start beside Anvil (SMTP sink, S3): they end with the test run, their files with them.</summary>
public static class SidecarProcesses
{
    public static void EndWithTestRun(System.Diagnostics.Process process, string dataDir) =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
                Directory.Delete(dataDir, recursive: true);
            }
            catch (Exception)
            {
            }
        };
}
