namespace TailHub.LoadTests.Scenarios;

/// <summary>
/// Viewers × rate grid, each cell a fresh server. One cell is the <c>run</c> command. The grid goes small to large
/// so the cheap cells finish even if a big one exhausts the machine.
/// </summary>
public static class SweepScenario
{
    public static async Task<ScenarioReport> RunAsync(ScenarioContext context, string scenario, IReadOnlyList<int> viewers, IReadOnlyList<double> rates, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var runs = new List<RunResult>();
        foreach (var n in viewers)
        {
            foreach (var r in rates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runs.Add(await LoadRun.ExecuteAsync(context.Run($"{n}v×{r:0}/s", n, r, duration), context.Launcher, cancellationToken));
            }
        }
        return await context.SaveAsync(context.Report(scenario, started, runs, runs.SelectMany(Targets.Check)));
    }
}
