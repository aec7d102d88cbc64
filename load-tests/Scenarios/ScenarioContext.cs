namespace TailHub.LoadTests.Scenarios;

/// <summary>What every scenario shares: where its server comes from, client knobs, and where reports go.</summary>
public sealed record ScenarioContext(
    ServerLauncher Launcher,
    FleetOptions Fleet,
    int LineBytes,
    TimeSpan DrainTimeout,
    IReadOnlyDictionary<string, string> ServerSettings,
    string ResultsFolder,
    string CommandLine,
    TimeSpan Warmup)
{
    public RunSettings Run(string name, int viewers, double rate, TimeSpan duration, int stalled = 0, bool reconnect = false) =>
        new(name, viewers, rate, duration, LineBytes, DrainTimeout, Fleet with { Stalled = stalled }, ServerSettings, Warmup, reconnect);

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
        $"ulimit -n {OpenFileLimit()}, ephemeral ports {EphemeralPorts()}";

    public ScenarioReport Report(string scenario, DateTime started, IReadOnlyList<RunResult> runs, IEnumerable<string> findings, CatchUpResult? catchUp = null,
        PushRunResult? push = null) =>
        new(scenario, started, CommandLine, Machine(), runs, catchUp, [.. findings], push);

    public async Task<ScenarioReport> SaveAsync(ScenarioReport report)
    {
        var path = await ReportWriter.WriteAsync(report, ResultsFolder);
        Console.Error.WriteLine($"Report: {path} (and latest.md)");
        Console.WriteLine(ReportWriter.Markdown(report));
        return report;
    }

    private static string OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
                if (line.StartsWith("Max open files", StringComparison.Ordinal)) return string.Join('/', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5]);
        }
        catch (IOException) { }
        return "?";
    }

    private static string EphemeralPorts()
    {
        try { return File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Trim().Replace('\t', '-'); }
        catch (IOException) { return "?"; }
    }
}
