namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// Halfway through the run every viewer drops its connection and reconnects with its Last-Event-ID, all at once:
/// the resume path (backlog, or the journal read back from the file) must give each exactly what it missed.
/// </summary>
public static class ReconnectScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int viewers, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var run = await LoadRun.ExecuteAsync(context.Run("reconnect storm", viewers, rate, duration, reconnect: true), context.Launcher, cancellationToken);
        var findings = new List<string>
        {
            Targets.Verdict(run.Missing.Total == 0 && run.Duplicated.Total == 0 && run.Reconnect is { Failed: 0 },
                $"after {viewers:N0} viewers reconnected: {run.Missing.Total:N0} lines missing, {run.Duplicated.Total:N0} duplicated, " +
                $"{run.Reconnect?.Failed ?? 0} reconnects failed (target 0, 0, 0)"),
        };
        if (run.Reconnect is { } c)
            findings.Add($"all {c.Connected:N0} viewers back in {Targets.F(c.WallSeconds, 2)} s; per-viewer reconnect p50 {Targets.F(c.P50Ms, 1)} ms, p99 {Targets.F(c.P99Ms, 1)} ms");
        findings.AddRange(Targets.Check(run));
        return await context.SaveAsync(context.Report("reconnect", started, [run], findings));
    }
}
