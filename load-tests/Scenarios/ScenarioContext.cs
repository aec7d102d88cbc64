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
    /// <summary>The servers each cell of <c>run</c> and <c>sweep</c> is measured on, back to back (<c>--against</c>).</summary>
    public IReadOnlyList<ServerTarget> Targets { get; init; } = [new(ServerTarget.TailHubLabel, Launcher, ServerSettings)];

    /// <summary>Runs of each cell per target (<c>--repeat</c>), alternating between targets.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>More than TailHub alone is measured (or TailHub more than once): runs are named after their server.</summary>
    public bool SideBySide => Targets.Count > 1 || Repeat > 1 || Targets[0].Label != ServerTarget.TailHubLabel;

    /// <summary>
    /// A run's settings on <paramref name="target"/>. A TailHub gets this context's settings (a scenario may add its
    /// own, as <c>all --small</c> does for the stall) under the target's; the reference gets only its own.
    /// </summary>
    public RunSettings Run(ServerTarget target, string name, int viewers, double rate, TimeSpan duration, int stalled = 0, bool reconnect = false) =>
        Run(name, viewers, rate, duration, stalled, reconnect) with
        {
            // A reference that must resume viewers keeps the newest frames for them (memory only).
            ServerSettings = target.IsReference && reconnect ? With(target, ReferenceSettings.Resume) : SettingsFor(target),
        };

    /// <summary>
    /// The settings a server of <paramref name="target"/> starts with: a TailHub gets this context's (a scenario may add
    /// its own, as <c>all --small</c> does for the stall) under the target's; the reference gets only its own.
    /// </summary>
    public IReadOnlyDictionary<string, string> SettingsFor(ServerTarget target) => target.IsReference
        ? target.Settings
        : ServerSettings.Concat(target.Settings).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary><paramref name="target"/>'s settings with <paramref name="extra"/> on top.</summary>
    public IReadOnlyDictionary<string, string> With(ServerTarget target, IReadOnlyDictionary<string, string> extra) =>
        SettingsFor(target).Concat(extra).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    public RunSettings Run(string name, int viewers, double rate, TimeSpan duration, int stalled = 0, bool reconnect = false) =>
        new(name, viewers, rate, duration, LineBytes, DrainTimeout, Fleet with { Stalled = stalled }, ServerSettings, Warmup, reconnect);

    /// <summary>A run's name, with its server's label in front when servers are compared.</summary>
    public string Named(ServerTarget target, string name) => SideBySide ? $"{target.Label} {name}" : name;

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
        $"ulimit -n {OpenFileLimit()}, ephemeral ports {EphemeralPorts()}";

    public ScenarioReport Report(string scenario, DateTime started, IReadOnlyList<RunResult> runs, IEnumerable<string> findings,
        IReadOnlyList<CatchUpResult>? catchUps = null, IReadOnlyList<PushRunResult>? pushes = null) =>
        new(scenario, started, CommandLine, Machine(), runs, catchUps ?? [], [.. findings], pushes ?? []) { Comparison = Comparison.Of(runs) };

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
