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
        var baseline = await LoadRun.ExecuteAsync(context.Run("baseline", viewers, rate, duration), context.Launcher, cancellationToken);
        var stall = await LoadRun.ExecuteAsync(context.Run($"{stalled} stalled", viewers, rate, duration, stalled: stalled), context.Launcher, cancellationToken);

        var findings = new List<string>();
        findings.Add(Targets.Verdict(stall.DeliveredPercent >= 100 && stall.Duplicated.Total == 0,
            $"healthy viewers beside {stalled} stalled: {Targets.F(stall.DeliveredPercent, 3)}% delivered, {stall.Duplicated.Total} duplicated (target 100%, 0)"));
        // "Must not move": within 2× of the baseline or 5 ms, whichever is larger, allowing for run-to-run noise.
        bool Close(double a, double b) => b <= Math.Max(2 * a, a + 5);
        findings.Add(Targets.Verdict(Close(baseline.Latency.P50Ms, stall.Latency.P50Ms) && Close(baseline.Latency.P99Ms, stall.Latency.P99Ms),
            $"healthy latency p50 {Targets.F(baseline.Latency.P50Ms, 1)} → {Targets.F(stall.Latency.P50Ms, 1)} ms, p99 {Targets.F(baseline.Latency.P99Ms, 1)} → {Targets.F(stall.Latency.P99Ms, 1)} ms, max {Targets.F(baseline.Latency.MaxMs, 1)} → {Targets.F(stall.Latency.MaxMs, 1)} ms (baseline → with stalled viewers)"));
        var stalledMissing = stall.StalledMissing?.Total ?? 0;
        findings.Add(Targets.Verdict(stalledMissing == stall.StalledGapLinesReported,
            $"stalled viewers missed {stalledMissing:N0} lines; gap events reported {stall.StalledGapLinesReported:N0} (every loss should be reported)" +
            (stalledMissing == 0 ? " — the stall never got past the server's socket buffer and its ViewerQueueBatches-frame queue: " +
                "run longer (-d 45), or with bigger lines and a smaller queue (--line-bytes 1000 --set TailHub:ViewerQueueBatches=16)" : "")));
        foreach (var run in new[] { baseline, stall })
            if (run.ServerCpuMicrosPerDelivery is { } us) findings.Add($"{run.Name}: {Targets.F(us, 3)} µs server CPU per (viewer, line)");
        return await context.SaveAsync(context.Report("stall", started, [baseline, stall], findings));
    }
}
