namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// Halfway through the run every viewer drops its connection and reconnects with its Last-Event-ID, all at once:
/// the resume path (backlog, or the journal read back from the file) must give each exactly what it missed. With
/// <c>--against</c> each server runs the storm in turn; the reference resumes from the frames it keeps in memory.
/// </summary>
public static class ReconnectScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int viewers, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        var findings = new List<string>();
        foreach (var target in context.Targets)
        {
            var run = await LoadRun.ExecuteAsync(context.Run(target, context.Named(target, "reconnect storm"), viewers, rate, duration, reconnect: true), target.Launcher, cancellationToken)
                with { Target = target.Label };
            runs.Add(run);
            var who = context.SideBySide ? $"{target.Label}: " : "";
            var what = $"{who}after {viewers:N0} viewers reconnected: {run.Missing.Total:N0} lines missing, {run.Duplicated.Total:N0} duplicated, " +
                       $"{run.Reconnect?.Failed ?? 0} reconnects failed";
            // The reference is the floor it is measured against, not held to TailHub's targets.
            findings.Add(target.IsReference ? what : Targets.Verdict(run.Missing.Total == 0 && run.Duplicated.Total == 0 && run.Reconnect is { Failed: 0 }, what + " (target 0, 0, 0)"));
            if (run.Reconnect is { } c)
                findings.Add($"{who}all {c.Connected:N0} viewers back in {Targets.F(c.WallSeconds, 2)} s; per-viewer reconnect p50 {Targets.F(c.P50Ms, 1)} ms, p99 {Targets.F(c.P99Ms, 1)} ms");
            if (!target.IsReference) findings.AddRange(Targets.Check(run));
        }
        foreach (var run in runs)
            if (run.ServerCpuMicrosPerDelivery is { } us && context.SideBySide)
                findings.Add($"{run.Name}: {Targets.F(us, 3)} µs server CPU per (viewer, line), peak RSS {Targets.F(run.Server?.PeakRssMb ?? 0, 0)} MB, p50 / p99 {Targets.F(run.Latency.P50Ms, 1)} / {Targets.F(run.Latency.P99Ms, 1)} ms");
        return await context.SaveAsync(context.Report("reconnect", started, runs, findings));
    }
}
