using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Command;

/// <summary>Measures this process's heap while it runs, so nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone";
}

/// <summary>A process that floods its output while nobody watches: memory stays bounded and its spool holds every line.</summary>
[Collection(AloneCollection.Name)]
public sealed class CommandFloodTests
{
    private const int LineBytes = 60;
    private const long FloodBytes = 300_000_000;

    [Fact]
    public async Task A_flood_nobody_watches_is_spooled_whole_with_bounded_memory()
    {
        var line = new string('f', LineBytes - 1);
        await using var job = await CommandSource.StartAsync($"yes '{line}' 2>/dev/null | head -c {FloodBytes}");
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(10);
            }
        });

        var number = await job.Runs.StartedAsync(CommandSource.Name);
        var run = await job.Runs.EndedAsync(CommandSource.Name, number);
        sampling.Cancel();
        await sampler;

        var spool = Directory.GetFiles(job.Server.Folder.PathOf("data"), $"{number}.log", SearchOption.AllDirectories).Single();
        Assert.Equal("succeeded", CommandSource.State(run));
        Assert.Equal(FloodBytes, new FileInfo(spool).Length);
        // Every line numbered: the run's range holds its start notice, FloodBytes / LineBytes lines, and its end notice.
        Assert.Equal(FloodBytes / LineBytes + 1, run.GetProperty("lastSeq").GetInt64() - run.GetProperty("firstSeq").GetInt64());
        Assert.True(peak - before < 64 * 1024 * 1024, $"the heap grew by {(peak - before) / 1024 / 1024} MiB while {FloodBytes / 1024 / 1024} MiB went through");
        // The last lines are there for whoever comes next, read back from the spool.
        await using var viewer = await job.WatchAsync("backlog=3");
        Assert.Equal([line, line], CommandSource.LinesOf(await viewer.ReadUntilLinesAsync(CommandSource.Name, 2)).Select(l => l.Text));
    }
}
