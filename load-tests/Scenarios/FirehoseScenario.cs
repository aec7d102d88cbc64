namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// How many lines per second one source carries to its viewers without loss: the rate steps up until a step loses
/// or duplicates a line, falls behind (viewers still draining a second after the writer stopped, i.e. the server
/// was buffering rather than carrying the rate), or the writer cannot reach the rate; the last clean step is the answer.
/// </summary>
public static class FirehoseScenario
{
    // Lines still arriving this long after the writer stopped mean the server was queueing, not keeping up.
    private const double MaxDrainSeconds = 1.0;

    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int viewers, IReadOnlyList<double> rates, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        double best = 0;
        string? stop = null;
        foreach (var rate in rates.Order())
        {
            var run = await LoadRun.ExecuteAsync(context.Run($"{rate:0}/s", viewers, rate, duration), context.Launcher, cancellationToken);
            runs.Add(run);
            var lossless = run.DeliveredPercent >= 100 && run.Duplicated.Total == 0 && run.GapLinesReported == 0;
            var keptUp = run.DrainSeconds <= MaxDrainSeconds;
            var clean = lossless && keptUp;
            if (run.WriteRateAchieved < rate * 0.95)
            {
                stop = $"the writer reached only {run.WriteRateAchieved:N0} lines/s at {rate:N0}";
                if (clean) best = Math.Max(best, run.WriteRateAchieved);
                break;
            }
            if (lossless && !keptUp)
            {
                stop = $"at {rate:N0} lines/s the viewers were still {run.DrainSeconds:0.0} s behind when writing stopped (p50 latency {run.Latency.P50Ms:N0} ms): nothing lost, but the rate was not carried" +
                       (run.ClientSaturated || run.MachineSaturated ? " while the client/machine was saturated" : "");
                break;
            }
            if (!clean)
            {
                stop = $"{rate:N0} lines/s lost lines: {Targets.F(run.DeliveredPercent, 3)}% delivered, {run.GapLinesReported:N0} reported in gaps" +
                       (run.ClientSaturated || run.MachineSaturated ? " while the client/machine was saturated" : "");
                break;
            }
            best = rate;
        }
        var findings = new List<string>
        {
            Targets.Verdict(best >= Targets.FirehoseLinesPerSecond, $"one source carried {best:N0} lines/s to {viewers} viewers without loss (target ≥ {Targets.FirehoseLinesPerSecond:N0})"),
        };
        if (stop is not null) findings.Add("stopped: " + stop);
        foreach (var r in runs)
            if (r.ServerCpuMicrosPerDelivery is { } us) findings.Add($"{r.Name}: {Targets.F(us, 3)} µs server CPU per (viewer, line), server {Targets.F(r.Server?.CpuPercentOfOneCore ?? 0, 0)}% / client {Targets.F(r.Client.CpuPercentOfOneCore, 0)}% of a core");
        return await context.SaveAsync(context.Report("firehose", started, runs, findings));
    }
}
