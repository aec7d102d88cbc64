namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// How many lines per second one source carries to its viewers without loss: the rate steps up until a step loses
/// or duplicates a line, falls behind (viewers still draining a second after the writer stopped, i.e. the server
/// was buffering rather than carrying the rate), or the writer cannot reach the rate; the last clean step is the answer.
/// With <c>--against</c> each server steps through the rates in turn (the reference: the lossless rate of fan-out alone).
/// </summary>
public static class FirehoseScenario
{
    // Lines still arriving this long after the writer stopped mean the server was queueing, not keeping up.
    private const double MaxDrainSeconds = 1.0;

    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, int viewers, IReadOnlyList<double> rates, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        var findings = new List<string>();
        var best = new Dictionary<string, double>();
        // With --against, each server steps through the rates in turn, and each is reported on its own.
        foreach (var target in context.Targets)
        {
            var (carried, stop, stepped) = await StepAsync(context, target, viewers, rates, duration, cancellationToken);
            runs.AddRange(stepped);
            best[target.Label] = carried;
            var who = context.SideBySide ? $"{target.Label}: " : "";
            var what = $"{who}one source carried {carried:N0} lines/s to {viewers} viewers without loss";
            findings.Add(target.IsReference ? what : Targets.Verdict(carried >= Targets.FirehoseLinesPerSecond, $"{what} (target ≥ {Targets.FirehoseLinesPerSecond:N0})"));
            if (stop is not null) findings.Add($"{who}stopped: {stop}");
        }
        if (best.TryGetValue(ServerTarget.ReferenceLabel, out var floor) && floor > 0)
        {
            foreach (var (label, carried) in best.Where(b => b.Key != ServerTarget.ReferenceLabel))
                findings.Add($"{label}: {Targets.F(carried / floor, 2)}× the reference's lossless rate in the same command");
        }
        foreach (var r in runs)
            if (r.ServerCpuMicrosPerDelivery is { } us) findings.Add($"{r.Name}: {Targets.F(us, 3)} µs server CPU per (viewer, line), server {Targets.F(r.Server?.CpuPercentOfOneCore ?? 0, 0)}% / client {Targets.F(r.Client.CpuPercentOfOneCore, 0)}% of a core");
        return await context.SaveAsync(context.Report("firehose", started, runs, findings));
    }

    /// <summary>One server through the rates, lowest first, until a step is not clean: the last clean rate, and why it stopped.</summary>
    private static async Task<(double Best, string? Stop, List<RunResult> Runs)> StepAsync(ScenarioContext context, ServerTarget target, int viewers,
        IReadOnlyList<double> rates, TimeSpan duration, CancellationToken cancellationToken)
    {
        var runs = new List<RunResult>();
        double best = 0;
        foreach (var rate in rates.Order())
        {
            var run = await LoadRun.ExecuteAsync(context.Run(target, context.Named(target, $"{rate:0}/s"), viewers, rate, duration), target.Launcher, cancellationToken) with { Target = target.Label };
            runs.Add(run);
            var lossless = run.DeliveredPercent >= 100 && run.Duplicated.Total == 0 && run.GapLinesReported == 0;
            var keptUp = run.DrainSeconds <= MaxDrainSeconds;
            var clean = lossless && keptUp;
            if (run.WriteRateAchieved < rate * 0.95)
            {
                if (clean) best = Math.Max(best, run.WriteRateAchieved);
                return (best, $"the writer reached only {run.WriteRateAchieved:N0} lines/s at {rate:N0}", runs);
            }
            if (lossless && !keptUp)
            {
                return (best, $"at {rate:N0} lines/s the viewers were still {run.DrainSeconds:0.0} s behind when writing stopped (p50 latency {run.Latency.P50Ms:N0} ms): nothing lost, but the rate was not carried" +
                              (run.ClientSaturated || run.MachineSaturated ? " while the client/machine was saturated" : ""), runs);
            }
            if (!clean)
            {
                return (best, $"{rate:N0} lines/s lost lines: {Targets.F(run.DeliveredPercent, 3)}% delivered, {run.GapLinesReported:N0} reported in gaps" +
                              (run.ClientSaturated || run.MachineSaturated ? " while the client/machine was saturated" : ""), runs);
            }
            best = rate;
        }
        return (best, null, runs);
    }
}
