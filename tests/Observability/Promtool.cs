using System.Diagnostics;

namespace TailHub.Tests.Observability;

/// <summary>Prometheus' own linter (Debian's <c>prometheus</c> package) run on a scrape.</summary>
public static class Promtool
{
    private const string Binary = "/usr/bin/promtool";

    /// <summary>Fails the test with promtool's words when it finds anything wrong with <paramref name="metrics"/>.</summary>
    public static async Task AssertCleanAsync(string metrics)
    {
        Assert.True(File.Exists(Binary), "promtool is needed: apt-get install -y prometheus");
        var start = new ProcessStartInfo(Binary) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool check metrics: {await output}{await errors}");
    }
}
