using System.Net;
using TailHub.Tests.Sources.Jenkins;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Command;

/// <summary>How a run ends: its exit code or signal, and cancelling it (SIGTERM, then SIGKILL after the grace period).</summary>
public sealed class CommandExitTests
{
    [Theory]
    [InlineData("exit 0", "succeeded", 0)]
    [InlineData("exit 3", "failed", 3)]
    public async Task A_run_ends_with_the_process_exit_code(string script, string state, int exitCode)
    {
        await using var job = await CommandSource.StartAsync(script);

        var run = await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));

        Assert.Equal(state, CommandSource.State(run));
        Assert.Equal(exitCode, run.GetProperty("exitCode").GetInt32());
        Assert.True(run.GetProperty("endedAt").GetDateTimeOffset() >= run.GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_process_killed_by_a_signal_fails_with_that_signal()
    {
        await using var job = await CommandSource.StartAsync("echo going; kill -KILL $$");

        var run = await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));

        Assert.Equal("failed", CommandSource.State(run));
        Assert.Equal("SIGKILL", run.GetProperty("signal").GetString());
    }

    [Fact]
    public async Task Cancel_sends_sigterm_and_the_run_is_cancelled_with_it()
    {
        await using var job = await CommandSource.StartAsync("echo ready; sleep 60");
        await using var viewer = await job.WatchAsync();
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);

        var (status, _) = await job.Runs.CancelAsync(CommandSource.Name, number);
        var run = await job.Runs.EndedAsync(CommandSource.Name, number);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("cancelled", CommandSource.State(run));
        Assert.Equal("SIGTERM", run.GetProperty("signal").GetString());
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        await using var job = await CommandSource.StartAsync("trap '' TERM; echo ready; sleep 60", new() { ["CancelGrace"] = "00:00:00.500" });
        await using var viewer = await job.WatchAsync();
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);

        await job.Runs.CancelAsync(CommandSource.Name, number);
        var run = await job.Runs.EndedAsync(CommandSource.Name, number);

        Assert.Equal("cancelled", CommandSource.State(run));
        Assert.Equal("SIGKILL", run.GetProperty("signal").GetString());
    }

    [Fact]
    public async Task Cancelling_a_script_also_stops_the_processes_it_started()
    {
        await using var job = await CommandSource.StartAsync("sleep 60 & echo $! > child.pid; echo ready; wait");
        await using var viewer = await job.WatchAsync();
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await viewer.ReadUntilLinesAsync(CommandSource.Name, 1);
        var child = int.Parse(await File.ReadAllTextAsync(job.Server.Folder.PathOf("child.pid")));

        await job.Runs.CancelAsync(CommandSource.Name, number);
        await job.Runs.EndedAsync(CommandSource.Name, number);

        await Eventually.Async(() => !File.Exists($"/proc/{child}") || File.ReadAllText($"/proc/{child}/stat").Contains(") Z "), "the script's child to end");
    }

    [Fact]
    public async Task Cancelling_a_run_that_ended_is_a_conflict_and_an_unknown_run_is_not_found()
    {
        await using var job = await CommandSource.StartAsync("exit 0");
        var number = await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.EndedAsync(CommandSource.Name, number);

        var (ended, endedBody) = await job.Runs.CancelAsync(CommandSource.Name, number);
        var (unknown, _) = await job.Runs.CancelAsync(CommandSource.Name, 99);

        Assert.Equal(HttpStatusCode.Conflict, ended);
        Assert.Contains("already ended", endedBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task An_executable_that_disappeared_fails_the_run_with_a_clear_message()
    {
        await using var job = await CommandSource.StartAsync("exit 0");
        File.Delete(job.Server.Folder.PathOf("job.sh"));

        var run = await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        var source = await job.Server.SourceAsync(CommandSource.Name);

        Assert.Equal("failed", CommandSource.State(run));
        Assert.Contains("is not an executable file", run.GetProperty("message").GetString());
        Assert.Equal("error", source.GetProperty("state").GetString());
    }
}
