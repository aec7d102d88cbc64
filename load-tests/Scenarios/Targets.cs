using System.Globalization;

namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// The targets TailHub is held to, checked against a run wherever they apply, each finding saying PASS or MISS with
/// the measured figure. A run whose client or machine was saturated says so, since then a MISS may be the tester's.
/// </summary>
public static class Targets
{
    public const double MicrosPerDelivery = 0.15;
    public const double IdleKbPerViewer = 10;
    public const double RssMbAt10k = 200;
    public const double P50Ms = 10;
    public const double P99Ms = 50;
    public const double FirehoseLinesPerSecond = 500_000;
    public const double CatchUpVsWc = 0.5;
    public const double PushOneWriterLinesPerSecond = 200_000;
    public const double PushTenWritersLinesPerSecond = 300_000;

    public static IEnumerable<string> Check(RunResult r)
    {
        var caveat = r.ClientSaturated ? " (client saturated)" : r.MachineSaturated ? " (machine saturated)" : "";
        yield return Verdict(r.DeliveredPercent >= 100, $"{r.Name}: delivered {F(r.DeliveredPercent, 3)}% to {r.Viewers - r.StalledViewers} viewers (target 100%){caveat}");
        if (r.ServerCpuMicrosPerDelivery is { } us)
            yield return Verdict(us <= MicrosPerDelivery, $"{r.Name}: {F(us, 3)} µs server CPU per (viewer, line) (target ≤ {MicrosPerDelivery}){caveat}");
        if (r.IdleKbPerViewer is { } kb && r.Viewers >= 100)
            yield return Verdict(kb <= IdleKbPerViewer, $"{r.Name}: {F(kb, 1)} KB idle server memory per viewer (target ≤ {IdleKbPerViewer})");
        if (r.Viewers >= 10_000 && r.Server is { } s)
            yield return Verdict(s.PeakRssMb <= RssMbAt10k, $"{r.Name}: peak server RSS {F(s.PeakRssMb, 0)} MB with {r.Viewers:N0} viewers (target ≤ {RssMbAt10k})");
        if (r.Viewers >= 1000 && r.RateLinesPerSecond <= 100 && r.StalledViewers == 0 && r.Latency.Samples > 0)
            yield return Verdict(r.Latency.P50Ms <= P50Ms && r.Latency.P99Ms <= P99Ms,
                $"{r.Name}: latency p50 {F(r.Latency.P50Ms, 1)} ms, p99 {F(r.Latency.P99Ms, 1)} ms (target ≤ {P50Ms} / ≤ {P99Ms}){caveat}");
    }

    // Issue 18: TailHub against the reference server measured in the same command (ratios of medians).
    public const double CpuRatio = 1.0;
    public const double CpuRatioAt1000x100 = 1.3;
    public const double PeakRssRatioAt10k = 1.5;
    public const double PeakRssMbAt10kAbsolute = 250;
    public const double IdleRatio = 1.3;

    public static IEnumerable<string> CheckAgainstReference(ComparisonRow c)
    {
        // The targets are for a plain load; a stall or a reconnect storm is judged by its own scenario.
        if (c.Target == ServerTarget.ReferenceLabel || c.Kind.Length > 0) yield break;
        var cell = $"{c.Target} at {c.Viewers:N0} × {c.Rate:N0}";
        if (c.CpuRatio is { } cpu)
        {
            if (c.Viewers >= 1000 && c.Rate <= 100 && c.Viewers < 10_000)
                yield return Verdict(cpu <= CpuRatioAt1000x100, $"{cell}: CPU per delivered line {F(cpu, 2)}× the reference's (target ≤ {CpuRatioAt1000x100}×)");
            else if ((c.Viewers >= 1000 && c.Rate >= 1000) || c.Viewers >= 10_000)
                yield return Verdict(cpu <= CpuRatio, $"{cell}: CPU per delivered line {F(cpu, 2)}× the reference's (target ≤ {CpuRatio}×)");
        }
        if (c.Viewers >= 10_000 && c.PeakRssRatio is { } rss && c.PeakRssMb is { } mb)
            yield return Verdict(rss <= PeakRssRatioAt10k && mb <= PeakRssMbAt10kAbsolute,
                $"{cell}: peak RSS {F(mb, 0)} MB, {F(rss, 2)}× the reference's (target ≤ {PeakRssRatioAt10k}× and ≤ {PeakRssMbAt10kAbsolute} MB)");
        if (c.Viewers >= 1000 && c.IdleRatio is { } idle)
            yield return Verdict(idle <= IdleRatio, $"{cell}: idle memory per viewer {F(c.IdleKbPerViewer ?? 0, 1)} KB, {F(idle, 2)}× the reference's (target ≤ {IdleRatio}×)");
        if (c.Viewers >= 1000 && c.Viewers < 10_000 && c.Rate <= 100)
            yield return Verdict(c.P99Ms <= P99Ms, $"{cell}: latency p99 {F(c.P99Ms, 1)} ms (target ≤ {P99Ms}), p50 {F(c.P50Ms, 1)} ms");
    }

    public static string Verdict(bool pass, string text) => (pass ? "PASS " : "MISS ") + text;

    public static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
