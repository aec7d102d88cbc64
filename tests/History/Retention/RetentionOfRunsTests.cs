using TailHub.Tests.Sources.Command;
using TailHub.Tests.Support;

namespace TailHub.Tests.History.Retention;

/// <summary>Retention applied on its schedule by the real TailHub to a command source's runs, read back over HTTP.</summary>
public sealed class RetentionOfRunsTests
{
    [Fact]
    public async Task Runs_beyond_max_runs_are_deleted_on_schedule_and_their_lines_read_back_as_expired()
    {
        await using var job = await CommandSource.StartAsync("echo \"run output $$\"", new Dictionary<string, string?>
        {
            ["Retention:MaxRuns"] = "1",
            ["TailHub:History:RetentionInterval"] = "00:00:01",
        });
        var runs = job.Server.Folder.PathOf("data/sources/job/runs");
        for (var i = 0; i < 3; i++)
        {
            var number = await job.Runs.StartedAsync(CommandSource.Name);
            await job.Runs.EndedAsync(CommandSource.Name, number);
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (File.Exists(Path.Combine(runs, "2.log")) && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.False(File.Exists(Path.Combine(runs, "1.log")));
        Assert.False(File.Exists(Path.Combine(runs, "2.log")));
        Assert.True(File.Exists(Path.Combine(runs, "3.log")));
        var first = await job.Server.Client.PageAsync(CommandSource.Name, "run=1");
        Assert.Contains(first.Gaps, g => g.Reason == "expired");
        Assert.Empty(first.Lines);
        var last = await job.Server.Client.PageAsync(CommandSource.Name, "run=3");
        Assert.Single(last.Lines, l => l.Text.StartsWith("run output"));
    }
}
