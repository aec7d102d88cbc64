using TailHub.Tests.Sources.Command;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Ssh;

/// <summary>An ssh source against a real OpenSSH server on loopback: live output, exit status, host keys, dropped connections.</summary>
public sealed class SshSourceTests : IAsyncLifetime
{
    private const string Name = "remote";
    private Sshd _sshd = null!;

    public async Task InitializeAsync() => _sshd = await Sshd.StartAsync();

    public async Task DisposeAsync() => await _sshd.DisposeAsync();

    private async Task<(TailHubServer Server, RunsClient Runs)> StartAsync(string command, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TailHub:Sources:0:Name"] = Name,
            ["TailHub:Sources:0:Type"] = "ssh",
            ["TailHub:Sources:0:Host"] = _sshd.Host,
            ["TailHub:Sources:0:Port"] = _sshd.Port.ToString(),
            ["TailHub:Sources:0:User"] = _sshd.User,
            ["TailHub:Sources:0:KeyFile"] = _sshd.UserKey,
            ["TailHub:Sources:0:KnownHostsFile"] = _sshd.KnownHosts,
            ["TailHub:Sources:0:Command"] = command,
        };
        foreach (var (k, v) in extra ?? []) settings[$"TailHub:Sources:0:{k}"] = v;
        var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), settings);
        return (server, new RunsClient(server.Client));
    }

    private static Task<SseTestClient> WatchAsync(TailHubServer server) =>
        SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources={Name}&backlog=0");

    private static List<(string Text, string Stream)> LinesOf(IEnumerable<SseEvent> events) =>
        CommandSource.LinesOf(events.Select(e => e.Type == Name ? e with { Type = CommandSource.Name } : e));

    [Fact]
    public async Task The_remote_commands_output_streams_live_tagged_by_stream_and_its_exit_status_ends_the_run()
    {
        var (server, runs) = await StartAsync("echo out; sleep 0.1; echo err >&2; sleep 0.1; printf 'no newline'; exit 3");
        await using var _ = server;
        await using var viewer = await WatchAsync(server);

        var number = await runs.StartedAsync(Name);
        var events = await CommandSource.ReadUntilRunEndsAsync(viewer, number);
        var run = await runs.EndedAsync(Name, number);

        Assert.Equal([("out", "stdout"), ("err", "stderr"), ("no newline", "stdout")], LinesOf(events));
        Assert.Equal("failed", CommandSource.State(run));
        Assert.Equal(3, run.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task A_line_arrives_while_the_remote_command_runs_and_cancel_stops_it()
    {
        var (server, runs) = await StartAsync("echo ready; read wait_for_the_channel_to_close");
        await using var _ = server;
        await using var viewer = await WatchAsync(server);

        var number = await runs.StartedAsync(Name);
        await viewer.ReadUntilLinesAsync(Name, 1);
        var whileRunning = await runs.WaitForAsync(Name, number, "running", "succeeded", "failed", "cancelled", "lost");
        await runs.CancelAsync(Name, number);
        var run = await runs.EndedAsync(Name, number);

        Assert.Equal("running", CommandSource.State(whileRunning));
        Assert.Equal("cancelled", CommandSource.State(run));
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_with_a_clear_error()
    {
        _sshd.WriteKnownHosts($"[127.0.0.1]:{_sshd.Port} {await _sshd.OtherKeyAsync()}");
        var (server, runs) = await StartAsync("echo should never run");
        await using var _ = server;

        var run = await runs.EndedAsync(Name, await runs.StartedAsync(Name));
        var source = await server.SourceAsync(Name);

        Assert.Equal("failed", CommandSource.State(run));
        Assert.Contains("host key refused", run.GetProperty("message").GetString());
        Assert.Contains("not the key", run.GetProperty("message").GetString());
        Assert.Contains("SHA256:", run.GetProperty("message").GetString());
        Assert.Equal("error", source.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unknown_host_is_refused_never_accepted_silently()
    {
        _sshd.WriteKnownHosts($"[127.0.0.1]:1 {_sshd.HostKey}", $"build-01 {_sshd.HostKey}");
        var (server, runs) = await StartAsync("echo should never run");
        await using var _ = server;

        var run = await runs.EndedAsync(Name, await runs.StartedAsync(Name));

        Assert.Equal("failed", CommandSource.State(run));
        Assert.Contains($"[127.0.0.1]:{_sshd.Port} is not in", run.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_hashed_known_hosts_entry_is_accepted()
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(20);
        var hash = System.Security.Cryptography.HMACSHA1.HashData(salt, System.Text.Encoding.ASCII.GetBytes($"[127.0.0.1]:{_sshd.Port}"));
        _sshd.WriteKnownHosts($"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} {_sshd.HostKey}");
        var (server, runs) = await StartAsync("echo hello");
        await using var _ = server;

        var run = await runs.EndedAsync(Name, await runs.StartedAsync(Name));

        Assert.Equal("succeeded", CommandSource.State(run));
    }

    [Fact]
    public async Task A_connection_cut_mid_run_makes_the_run_lost_and_the_restart_policy_reconnects()
    {
        var (server, runs) = await StartAsync("echo ready; read wait_for_the_channel_to_close", new() { ["Restart"] = "on-failure", ["RestartDelay"] = "00:00:00.100" });
        await using var _ = server;
        await using var viewer = await WatchAsync(server);
        await runs.StartedAsync(Name);
        await viewer.ReadUntilLinesAsync(Name, 1);

        Assert.True(_sshd.CutConnections() > 0);
        var events = await CommandSource.ReadUntilRunEndsAsync(viewer, 1);
        var lost = await runs.EndedAsync(Name, 1);
        await runs.WaitForAsync(Name, 2, "running");
        var again = await viewer.ReadUntilLinesAsync(Name, 1);

        Assert.Equal("lost", CommandSource.State(lost));
        Assert.Contains("dropped", lost.GetProperty("message").GetString());
        Assert.Contains(events, e => e.Type == "status" && e.Json.GetProperty("message").GetString()!.StartsWith("run #1 lost", StringComparison.Ordinal));
        Assert.Equal("ready", LinesOf(again).Single().Text);
    }
}
