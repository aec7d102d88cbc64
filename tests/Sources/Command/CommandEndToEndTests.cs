using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Command;

/// <summary>A command source end to end through the real server: live, after the run, and across a restart of TailHub.</summary>
public sealed class CommandEndToEndTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_viewer_sees_the_runs_start_its_lines_live_and_its_end_in_order()
    {
        await using var job = await CommandSource.StartAsync("echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three; exit 4");
        await using var viewer = await job.WatchAsync();

        var number = await job.Runs.StartedAsync(CommandSource.Name);
        var events = await CommandSource.ReadUntilRunEndsAsync(viewer, number);

        var sequence = events.Where(e => e.Type is "status" or CommandSource.Name)
            .SelectMany(e => e.Type == "status" ? [$"{e.Json.GetProperty("run").GetProperty("state").GetString()}"] : e.Lines.Select(l => l.Text))
            .ToList();
        Assert.Equal(["running", "one", "two", "three", "failed"], sequence);
        var seqs = events.SelectMany(e => e.Type == "status" ? [e.Json.GetProperty("seq").GetInt64()] : e.Lines.Select(l => l.Seq)).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(4, events.Last().Json.GetProperty("run").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task A_line_is_live_while_the_run_is_still_running()
    {
        await using var job = await CommandSource.StartAsync("echo first; sleep 60");
        await using var viewer = await job.WatchAsync();

        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);

        Assert.Equal("running", CommandSource.State((await job.Runs.ListAsync(CommandSource.Name)).Single(r => r.GetProperty("number").GetInt32() == number)));
    }

    [Fact]
    public async Task After_a_run_ended_a_new_viewer_gets_its_last_lines_read_back_from_its_spool()
    {
        await using var job = await CommandSource.StartAsync("seq -f 'line %g' 1 500", new() { ["TailHub:BacklogLines"] = "50" });
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.EndedAsync(CommandSource.Name, number);

        await using var viewer = await job.WatchAsync("backlog=20");
        var lines = CommandSource.LinesOf(await viewer.ReadUntilLinesAsync(CommandSource.Name, 19)).Select(l => l.Text);

        // The last 20 records: 19 lines and the run's end notice.
        Assert.Equal(Enumerable.Range(482, 19).Select(i => $"line {i}"), lines);
    }

    [Fact]
    public async Task After_a_restart_of_TailHub_the_runs_list_survives_a_running_run_is_lost_and_its_lines_are_still_there()
    {
        var data = _data.PathOf("data");
        int finished, interrupted;
        await using (var before = await CommandSource.StartAsync("echo \"run $$\"; [ -e stop ] || exec sleep 60", new() { ["MaxConcurrentRuns"] = "2" }, dataDirectory: data))
        {
            File.WriteAllText(before.Server.Folder.PathOf("stop"), "");
            finished = await before.Runs.StartedAsync(CommandSource.Name);
            await before.Runs.EndedAsync(CommandSource.Name, finished);
            File.Delete(before.Server.Folder.PathOf("stop"));
            await using var viewer = await before.WatchAsync();
            interrupted = await before.Runs.StartedAsync(CommandSource.Name);
            await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);
        }

        await using var after = await CommandSource.StartAsync("echo again", dataDirectory: data);
        var runs = await after.Runs.ListAsync(CommandSource.Name);
        await using var reader = await after.WatchAsync("", runs[0].GetProperty("cursor").GetString());
        var firstRun = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(reader, finished)).Select(l => l.Text).ToList();
        var next = await after.Runs.StartedAsync(CommandSource.Name);

        Assert.Equal([finished, interrupted], runs.Select(r => r.GetProperty("number").GetInt32()));
        Assert.Equal("succeeded", CommandSource.State(runs[0]));
        Assert.Equal("lost", CommandSource.State(runs[1]));
        Assert.Contains("TailHub stopped", runs[1].GetProperty("message").GetString());
        Assert.Single(firstRun);
        Assert.StartsWith("run ", firstRun[0]);
        Assert.Equal(interrupted + 1, next);
    }

    [Fact]
    public async Task AutoStart_starts_a_run_when_TailHub_starts()
    {
        await using var job = await CommandSource.StartAsync("echo started by itself", new() { ["AutoStart"] = "true" });

        var run = await job.Runs.EndedAsync(CommandSource.Name, 1);

        Assert.Equal("succeeded", CommandSource.State(run));
        Assert.Contains("AutoStart", run.GetProperty("message").GetString());
    }
}
