namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// A viewer that stops reading must cost the others nothing: the same load runs twice, without and with stalled
/// viewers, and the healthy viewers' delivery and latency are compared. The stalled viewers read again at the end
/// to show the server told them, with gap events, exactly what they lost.
/// </summary>
public static class StallScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int viewers, double rate, TimeSpan duration, int stalled, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        var findings = new List<string>();
        // With --against, each server runs its baseline and its stall in turn.
        foreach (var target in context.Targets)
        {
            var baseline = await LoadRun.ExecuteAsync(context.Run(target, context.Named(target, "baseline"), viewers, rate, duration), target.Launcher, cancellationToken) with { Target = target.Label };
            var stall = await LoadRun.ExecuteAsync(context.Run(target, context.Named(target, $"{stalled} stalled"), viewers, rate, duration, stalled: stalled), target.Launcher, cancellationToken) with { Target = target.Label };
            runs.Add(baseline);
            runs.Add(stall);
            findings.AddRange(Check(context.SideBySide ? $"{target.Label}: " : "", target.IsReference, baseline, stall, stalled));
        }
        foreach (var run in runs)
            if (run.ServerCpuMicrosPerDelivery is { } us) findings.Add($"{run.Name}: {Targets.F(us, 3)} µs server CPU per (viewer, line), peak RSS {Targets.F(run.Server?.PeakRssMb ?? 0, 0)} MB");
        return await context.SaveAsync(context.Report("stall", started, runs, findings));
    }

    private static IEnumerable<string> Check(string who, bool reference, RunResult baseline, RunResult stall, int stalled)
    {
        yield return Targets.Verdict(stall.DeliveredPercent >= 100 && stall.Duplicated.Total == 0,
            $"{who}healthy viewers beside {stalled} stalled: {Targets.F(stall.DeliveredPercent, 3)}% delivered, {stall.Duplicated.Total} duplicated (target 100%, 0)");
        // "Must not move": within 2× of the baseline or 5 ms, whichever is larger, allowing for run-to-run noise.
        bool Close(double a, double b) => b <= Math.Max(2 * a, a + 5);
        yield return Targets.Verdict(Close(baseline.Latency.P50Ms, stall.Latency.P50Ms) && Close(baseline.Latency.P99Ms, stall.Latency.P99Ms),
            $"{who}healthy latency p50 {Targets.F(baseline.Latency.P50Ms, 1)} → {Targets.F(stall.Latency.P50Ms, 1)} ms, p99 {Targets.F(baseline.Latency.P99Ms, 1)} → {Targets.F(stall.Latency.P99Ms, 1)} ms, max {Targets.F(baseline.Latency.MaxMs, 1)} → {Targets.F(stall.Latency.MaxMs, 1)} ms (baseline → with stalled viewers)");
        var stalledMissing = stall.StalledMissing?.Total ?? 0;
        if (reference)
        {
            // The floor keeps a stalled viewer's frames in memory for as long as it stays connected, and has no gap events.
            yield return $"{who}a stalled viewer's frames wait in the server's memory (no drop, no gap events): stalled viewers missed {stalledMissing:N0} lines, " +
                         $"peak RSS {Targets.F(baseline.Server?.PeakRssMb ?? 0, 0)} → {Targets.F(stall.Server?.PeakRssMb ?? 0, 0)} MB";
            yield break;
        }
        yield return Targets.Verdict(stalledMissing == stall.StalledGapLinesReported,
            $"{who}stalled viewers missed {stalledMissing:N0} lines; gap events reported {stall.StalledGapLinesReported:N0} (every loss should be reported)" +
            (stalledMissing == 0 ? " — the stall never got past the server's socket buffer and its ViewerQueueBatches-frame queue: " +
                "run longer (-d 45), or with bigger lines and a smaller queue (--line-bytes 1000 --set TailHub:ViewerQueueBatches=16)" : ""));
    }
}
