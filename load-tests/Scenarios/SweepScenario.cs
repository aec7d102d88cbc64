namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// Viewers × rate grid, each cell a fresh server. One cell is the <c>run</c> command. The grid goes small to large
/// so the cheap cells finish even if a big one exhausts the machine. With several <c>--against</c> servers each cell
/// runs on each in turn, back to back (and <c>--repeat</c> times, alternating), so a ratio compares runs minutes apart.
/// </summary>
public static class SweepScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, string scenario, IReadOnlyList<int> viewers, IReadOnlyList<double> rates, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        var sideBySide = context.SideBySide;
        foreach (var n in viewers)
        {
            foreach (var r in rates)
            {
                for (var repeat = 1; repeat <= context.Repeat; repeat++)
                {
                    foreach (var target in context.Targets)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var name = sideBySide ? $"{n}v×{r:0}/s {target.Label}" + (context.Repeat > 1 ? $" #{repeat}" : "") : $"{n}v×{r:0}/s";
                        var settings = context.Run(target, name, n, r, duration);
                        var run = await LoadRun.ExecuteAsync(settings, target.Launcher, cancellationToken);
                        runs.Add(run with { Target = target.Label });
                    }
                }
            }
        }
        var report = context.Report(scenario, started, runs, []);
        var findings = runs.Where(x => x.Target != ServerTarget.ReferenceLabel).SelectMany(Targets.Check)
            .Concat((report.Comparison ?? []).SelectMany(Targets.CheckAgainstReference));
        return await context.SaveAsync(report with { Findings = [.. findings] });
    }
}
