using System.Net;
using TailHub.Tests.Sources.Command;

namespace TailHub.Tests.Sources.Runs;

/// <summary><c>Restart</c>: which runs are followed by another, after a wait that doubles while runs stay short.</summary>
public sealed class RestartPolicyTests
{
    // Fails twice, then succeeds: each run counts itself in a file.
    private const string FailsTwice = """
        n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count
        echo "attempt $n"
        [ $n -ge 3 ]
        """;

    [Fact]
    public async Task On_failure_restarts_failed_runs_with_a_doubling_wait_and_stops_after_a_success()
    {
        await using var job = await CommandSource.StartAsync(FailsTwice, new() { ["Restart"] = "on-failure", ["RestartDelay"] = "00:00:00.100" });
        await using var viewer = await job.WatchAsync();

        await job.Runs.StartedAsync(CommandSource.Name);
        var events = await CommandSource.ReadUntilRunEndsAsync(viewer, 3);
        // Nothing else was queued after the success: the next run is #4, started on request.
        var next = await job.Runs.StartedAsync(CommandSource.Name);

        Assert.Equal(["failed", "failed", "succeeded"], (await job.Runs.ListAsync(CommandSource.Name)).Take(3).Select(CommandSource.State));
        Assert.Equal(4, next);
        var queued = events.Where(e => e.Type == "status" && e.Json.GetProperty("message").GetString()!.Contains("queued")).Select(e => e.Json.GetProperty("message").GetString()).ToList();
        Assert.Equal(["run #2 queued: starting in 100 ms (restart after run #1 failed)", "run #3 queued: starting in 200 ms (restart after run #2 failed)"], queued);
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], CommandSource.LinesOf(events).Select(l => l.Text));
    }

    [Fact]
    public async Task Always_restarts_a_run_that_succeeded()
    {
        await using var job = await CommandSource.StartAsync("echo once", new() { ["Restart"] = "always", ["RestartDelay"] = "00:00:00.100" });

        await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.EndedAsync(CommandSource.Name, 3);
        var runs = (await job.Runs.ListAsync(CommandSource.Name)).Take(3).ToList();

        Assert.All(runs, r => Assert.Equal("succeeded", CommandSource.State(r)));
        Assert.True(runs[1].GetProperty("startedAt").GetDateTimeOffset() >= runs[0].GetProperty("endedAt").GetDateTimeOffset());
        Assert.True(runs[2].GetProperty("startedAt").GetDateTimeOffset() >= runs[1].GetProperty("endedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Never_leaves_a_failed_run_alone()
    {
        await using var job = await CommandSource.StartAsync("exit 1", new() { ["Restart"] = "never" });

        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        var next = await job.Runs.StartedAsync(CommandSource.Name);

        Assert.Equal(2, next);
    }

    [Fact]
    public async Task A_cancelled_run_is_not_restarted()
    {
        await using var job = await CommandSource.StartAsync("echo ready; sleep 60", new() { ["Restart"] = "always", ["RestartDelay"] = "00:00:00.100" });
        await using var viewer = await job.WatchAsync();
        var first = await job.Runs.StartedAsync(CommandSource.Name);
        await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);

        await job.Runs.CancelAsync(CommandSource.Name, first);
        await job.Runs.EndedAsync(CommandSource.Name, first);
        var second = await job.Runs.StartedAsync(CommandSource.Name);

        Assert.Equal(2, second);
    }

    [Fact]
    public async Task A_restart_waiting_in_the_queue_can_be_cancelled_before_it_starts()
    {
        await using var job = await CommandSource.StartAsync("exit 0", new() { ["Restart"] = "always", ["RestartDelay"] = "00:00:30" });
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        await job.Runs.WaitForAsync(CommandSource.Name, 2, "queued");

        await job.Runs.CancelAsync(CommandSource.Name, 2);
        var cancelled = await job.Runs.EndedAsync(CommandSource.Name, 2);
        var third = await job.Runs.StartedAsync(CommandSource.Name);

        Assert.Equal("cancelled", CommandSource.State(cancelled));
        Assert.Contains("before it started", cancelled.GetProperty("message").GetString());
        Assert.Equal(3, third);
    }

    [Fact]
    public async Task A_start_beyond_max_concurrent_runs_is_a_conflict()
    {
        await using var job = await CommandSource.StartAsync("sleep 60", new() { ["MaxConcurrentRuns"] = "2" });
        await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.StartedAsync(CommandSource.Name);

        var (status, body) = await job.Runs.StartAsync(CommandSource.Name);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("MaxConcurrentRuns", body.GetProperty("detail").GetString());
        Assert.Equal(["running", "running"], (await job.Runs.ListAsync(CommandSource.Name)).Select(CommandSource.State));
    }
}
