using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TailHub.LoadTests;

/// <summary>The catch-up scenario's figures on one server: how fast it reads an existing file compared with <c>wc -l</c>.</summary>
public sealed record CatchUpResult(
    long FileBytes, long Lines, double WcSeconds, double ReadSeconds, double PublishSeconds, double? DeliverSeconds,
    long ViewerLinesReceived, double ServerCpuSeconds, double PeakRssMb, double SpeedVsWc, string? Note, string Target = ServerTarget.TailHubLabel);

/// <summary>
/// The push scenario's figures: W <c>curl -T -</c> uploads of <see cref="Lines"/> lines into a push source, timed until
/// every line was published (<c>lastSeq</c>) and every viewer had it, with the same files through <c>cat</c> and into a
/// do-nothing HTTP sink as references.
/// </summary>
public sealed record PushRunResult(
    int Writers, long Lines, int LineBytes, long FileBytes, int Viewers, double CatSeconds, double SinkSeconds, double UploadSeconds,
    double? PublishSeconds, double? DeliverSeconds, long ViewerLinesReceived, long Duplicates, double ServerCpuSeconds, double PeakRssMb, string? Note,
    string Target = ServerTarget.TailHubLabel)
{
    public double? PublishedLinesPerSecond => Lines / PublishSeconds;
    public double? DeliveredLinesPerSecond => Lines / DeliverSeconds;
    public double SinkLinesPerSecond => Lines / SinkSeconds;
    public double CatLinesPerSecond => Lines / CatSeconds;

    /// <summary>Server CPU per line pushed, in microseconds.</summary>
    public double ServerMicrosPerLine => ServerCpuSeconds * 1e6 / Lines;
}

/// <summary>One scenario's outcome: its runs, any scenario-specific figures, and what they mean against the targets.</summary>
public sealed record ScenarioReport(
    string Scenario,
    DateTime StartedUtc,
    string CommandLine,
    string Machine,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<CatchUpResult> CatchUps,
    IReadOnlyList<string> Findings,
    IReadOnlyList<PushRunResult> Pushes)
{
    /// <summary>Each server's medians and ratios to the reference, when the runs include the reference.</summary>
    public IReadOnlyList<ComparisonRow>? Comparison { get; init; }
}

/// <summary>
/// Writes a scenario's report as Markdown and JSON to <c>results/{scenario}-{yyyyMMdd-HHmmss}.*</c> and copies them to
/// <c>latest.md</c> / <c>latest.json</c>, so the newest result is always in one known place.
/// </summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string DefaultFolder() => Path.Combine(ServerProcess.RepositoryRoot(), "load-tests", "results");

    public static async Task<string> WriteAsync(ScenarioReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        var stem = $"{report.Scenario}-{report.StartedUtc:yyyyMMdd-HHmmss}";
        var md = Markdown(report);
        var json = JsonSerializer.Serialize(report, Json);
        var mdPath = Path.Combine(folder, stem + ".md");
        await File.WriteAllTextAsync(mdPath, md);
        await File.WriteAllTextAsync(Path.Combine(folder, stem + ".json"), json);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.md"), md);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.json"), json);
        return mdPath;
    }

    public static string Markdown(ScenarioReport r)
    {
        var s = new StringBuilder();
        s.AppendLine($"# TailHub load test: {r.Scenario}");
        s.AppendLine();
        s.AppendLine($"- started: {r.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC");
        s.AppendLine($"- command: `{r.CommandLine}`");
        s.AppendLine($"- machine: {r.Machine}");
        s.AppendLine();
        if (r.Findings.Count > 0)
        {
            s.AppendLine("## Findings");
            s.AppendLine();
            foreach (var f in r.Findings) s.AppendLine($"- {f}");
            s.AppendLine();
        }
        if (r.Comparison is { Count: > 0 } comparison) AppendComparison(s, comparison);
        if (r.Runs.Count > 0) AppendRuns(s, r.Runs);
        if (r.CatchUps.Count > 0) AppendCatchUps(s, r.CatchUps);
        if (r.Pushes.Count > 0) AppendPushes(s, r.Pushes);
        s.AppendLine("Column meanings and targets: load-tests/README.md.");
        return s.ToString();
    }

    private static void AppendRuns(StringBuilder s, IReadOnlyList<RunResult> runs)
    {
        s.AppendLine("## Delivery and latency");
        s.AppendLine();
        s.AppendLine("| run | viewers | lines/s | s | load avg | connected | connect p99 ms | written | delivered % | complete | missing min/med/max | dup | gap lines | p50 ms | p90 ms | p99 ms | max ms |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            s.AppendLine(Row(r.Name, N(r.Viewers), N(r.RateLinesPerSecond), F(r.DurationSeconds, 0), F(r.LoadAverage, 1), $"{r.Connect.Connected}/{r.Connect.Requested}",
                F(r.Connect.P99Ms, 1), N(r.LinesWritten), F(r.DeliveredPercent, 3), $"{r.ViewersComplete}/{r.Viewers - r.StalledViewers}",
                $"{N(r.Missing.Min)}/{N(r.Missing.Median)}/{N(r.Missing.Max)}", N(r.Duplicated.Total), N(r.GapLinesReported),
                F(r.Latency.P50Ms, 1), F(r.Latency.P90Ms, 1), F(r.Latency.P99Ms, 1), F(r.Latency.MaxMs, 1)));
        }
        s.AppendLine();
        s.AppendLine("## Cost");
        s.AppendLine();
        s.AppendLine("| run | server CPU s | server CPU % core | µs / (viewer, line) | server ctx switches/s | server threads | server idle RSS MB | connected RSS MB | idle KB / viewer | peak RSS MB | client CPU % core | client saturated | machine saturated |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in runs)
        {
            s.AppendLine(Row(r.Name, F(r.Server?.CpuSeconds, 2), F(r.Server?.CpuPercentOfOneCore, 0), F(r.ServerCpuMicrosPerDelivery, 3),
                F(r.Server?.ContextSwitchesPerSecond, 0), r.Server is { } sv ? N(sv.Threads) : "–",
                F(r.ServerIdleRssMb, 1), F(r.ServerConnectedRssMb, 1), F(r.IdleKbPerViewer, 1), F(r.Server?.PeakRssMb, 1),
                F(r.Client.CpuPercentOfOneCore, 0), r.ClientSaturated ? "**yes**" : "no", r.MachineSaturated ? "**yes**" : "no"));
        }
        s.AppendLine();
        var special = runs.Where(r => r.StalledViewers > 0 || r.Reconnect is not null).ToArray();
        if (special.Length > 0)
        {
            s.AppendLine("## Stalled viewers and reconnects");
            s.AppendLine();
            foreach (var r in special)
            {
                if (r.StalledViewers > 0)
                    s.AppendLine($"- {r.Name}: {r.StalledViewers} stalled viewer(s) received {N(r.StalledDelivered?.Total ?? 0)} lines after resuming, " +
                        $"missing {N(r.StalledMissing?.Total ?? 0)}, of which the server reported {N(r.StalledGapLinesReported)} in gap events; server counted {N(r.ServerLinesDropped ?? 0)} dropped.");
                if (r.Reconnect is { } c)
                    s.AppendLine($"- {r.Name}: reconnect storm: {c.Connected}/{c.Requested} back in {F(c.WallSeconds, 2)} s (p50 {F(c.P50Ms, 1)} ms, p99 {F(c.P99Ms, 1)} ms, max {F(c.MaxMs, 1)} ms); " +
                        $"missing {N(r.Missing.Total)}, duplicated {N(r.Duplicated.Total)}.");
            }
            s.AppendLine();
        }
        var notes = runs.Where(r => r.Notes.Count > 0).ToArray();
        if (notes.Length > 0)
        {
            s.AppendLine("## Notes");
            s.AppendLine();
            foreach (var r in notes) foreach (var n in r.Notes) s.AppendLine($"- {r.Name}: {n}");
            s.AppendLine();
        }
        var settings = runs.SelectMany(r => r.ServerSettings).Distinct().ToArray();
        if (settings.Length > 0)
        {
            s.AppendLine("Server settings: " + string.Join(", ", settings.Select(kv => $"`{kv.Key}={kv.Value}`")));
            s.AppendLine();
        }
    }

    private static void AppendComparison(StringBuilder s, IReadOnlyList<ComparisonRow> rows)
    {
        s.AppendLine("## Against the reference (medians over each server's runs; × = ratio to the reference)");
        s.AppendLine();
        s.AppendLine("| viewers × lines/s | server | runs | delivered % | µs / (viewer, line) | × | peak RSS MB | × | idle KB / viewer | × | p50 ms | × | p99 ms | × |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in rows)
        {
            s.AppendLine(Row($"{N(c.Viewers)} × {N(c.Rate)}" + (c.Kind.Length > 0 ? $", {c.Kind}" : ""), c.Target, N(c.Runs), F(c.DeliveredPercent, 3), F(c.MicrosPerDelivery, 3), X(c.CpuRatio),
                F(c.PeakRssMb, 1), X(c.PeakRssRatio), F(c.IdleKbPerViewer, 1), X(c.IdleRatio), F(c.P50Ms, 1), X(c.P50Ratio), F(c.P99Ms, 1), X(c.P99Ratio)));
        }
        s.AppendLine();
    }

    private static string X(double? ratio) => ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";

    private static void AppendCatchUps(StringBuilder s, IReadOnlyList<CatchUpResult> results)
    {
        s.AppendLine("## Catch-up read");
        s.AppendLine();
        s.AppendLine("| server | file MB | lines | `wc -l` s | read s | published s | delivered to viewer s | viewer lines | speed vs wc | server CPU s | peak RSS MB |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in results)
        {
            s.AppendLine(Row(c.Target, F(c.FileBytes / 1048576.0, 0), N(c.Lines), F(c.WcSeconds, 3), F(c.ReadSeconds, 3), F(c.PublishSeconds, 3),
                F(c.DeliverSeconds, 3), N(c.ViewerLinesReceived), $"{c.SpeedVsWc:P0}", F(c.ServerCpuSeconds, 2), F(c.PeakRssMb, 1)));
        }
        s.AppendLine();
        foreach (var c in results)
            if (c.Note is not null) s.AppendLine($"- {c.Target}: {c.Note}");
        s.AppendLine();
    }

    private static void AppendPushes(StringBuilder s, IReadOnlyList<PushRunResult> results)
    {
        s.AppendLine("## Push (`curl -T -`)");
        s.AppendLine();
        s.AppendLine("| server | writers | lines | MB | viewers | upload s | published s | published lines/s | delivered s | delivered lines/s | viewer lines | dup | sink lines/s | cat lines/s | server CPU s | µs / line | peak RSS MB |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in results)
        {
            s.AppendLine(Row(p.Target, N(p.Writers), N(p.Lines), F(p.FileBytes / 1048576.0, 0), N(p.Viewers), F(p.UploadSeconds, 2), F(p.PublishSeconds, 2), F(p.PublishedLinesPerSecond, 0),
                F(p.DeliverSeconds, 2), F(p.DeliveredLinesPerSecond, 0), N(p.ViewerLinesReceived), N(p.Duplicates), F(p.SinkLinesPerSecond, 0), F(p.CatLinesPerSecond, 0),
                F(p.ServerCpuSeconds, 2), F(p.ServerMicrosPerLine, 2), F(p.PeakRssMb, 1)));
        }
        s.AppendLine();
        foreach (var p in results)
            if (p.Note is not null) s.AppendLine($"- {p.Target}: {p.Note}");
        s.AppendLine();
    }

    private static string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |";
    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
    private static string F(double? v, int digits) => v is { } x && !double.IsNaN(x) ? x.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";
}
