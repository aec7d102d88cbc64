namespace TailHub.LoadTests;

/// <summary>
/// One server's figures for one cell (viewers × rate), the median over its repeats, and each as a ratio to the
/// reference server's median in the same command (null where there is no reference run or no figure). A cell's
/// <paramref name="Kind"/> says what sets it apart from a plain load: "" (nothing), "N stalled", "reconnect storm", or lines
/// of another size.
/// </summary>
public sealed record ComparisonRow(
    int Viewers, double Rate, string Kind, string Target, int Runs, double DeliveredPercent,
    double? MicrosPerDelivery, double? PeakRssMb, double? IdleKbPerViewer, double P50Ms, double P99Ms,
    double? CpuRatio, double? PeakRssRatio, double? IdleRatio, double? P50Ratio, double? P99Ratio);

/// <summary>Turns side-by-side runs (<c>--against reference,tailhub…</c>) into ratios to the reference.</summary>
public static class Comparison
{
    /// <summary>The load tester's <c>--line-bytes</c> default.</summary>
    public const int DefaultLineBytes = 100;

    public static IReadOnlyList<ComparisonRow>? Of(IReadOnlyList<RunResult> runs)
    {
        if (!runs.Any(r => r.Target == ServerTarget.ReferenceLabel)) return null;
        var rows = new List<ComparisonRow>();
        foreach (var cell in runs.Where(r => r.Target is not null).GroupBy(r => (r.Viewers, r.RateLinesPerSecond, Kind: KindOf(r))))
        {
            var byTarget = cell.GroupBy(r => r.Target!).ToDictionary(g => g.Key, g => g.ToArray());
            byTarget.TryGetValue(ServerTarget.ReferenceLabel, out var reference);
            var baseline = reference is null ? null : Row(cell.Key, ServerTarget.ReferenceLabel, reference, null);
            // The reference first, then the others in the order they ran.
            if (baseline is not null) rows.Add(baseline);
            foreach (var (target, list) in byTarget.Where(kv => kv.Key != ServerTarget.ReferenceLabel))
                rows.Add(Row(cell.Key, target, list, baseline));
        }
        return rows;
    }

    // Lines of another size than the tester's default (all --small's stall) are another cell, not more runs of this one.
    private static string KindOf(RunResult r) => string.Join(", ", new[]
    {
        r.LineBytes != DefaultLineBytes ? $"{r.LineBytes}-byte lines" : "",
        r.ReconnectStorm ? "reconnect storm" : "",
        r.StalledViewers > 0 ? $"{r.StalledViewers} stalled" : "",
    }.Where(k => k.Length > 0));

    private static ComparisonRow Row((int Viewers, double Rate, string Kind) cell, string target, RunResult[] runs, ComparisonRow? reference)
    {
        var cpu = Median(runs.Select(r => r.ServerCpuMicrosPerDelivery));
        var rss = Median(runs.Select(r => r.Server?.PeakRssMb));
        var idle = Median(runs.Select(r => r.IdleKbPerViewer));
        var p50 = Median(runs.Select(r => (double?)r.Latency.P50Ms)) ?? double.NaN;
        var p99 = Median(runs.Select(r => (double?)r.Latency.P99Ms)) ?? double.NaN;
        var delivered = runs.Min(r => r.DeliveredPercent);
        return new ComparisonRow(cell.Viewers, cell.Rate, cell.Kind, target, runs.Length, delivered, cpu, rss, idle, p50, p99,
            Ratio(cpu, reference?.MicrosPerDelivery), Ratio(rss, reference?.PeakRssMb), Ratio(idle, reference?.IdleKbPerViewer),
            Ratio(p50, reference?.P50Ms), Ratio(p99, reference?.P99Ms));
    }

    private static double? Ratio(double? value, double? reference) =>
        value is { } v && reference is { } r && r > 0 && !double.IsNaN(v) && !double.IsNaN(r) ? v / r : null;

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0) return null;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
