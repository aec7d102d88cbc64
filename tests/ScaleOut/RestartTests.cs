using StackExchange.Redis;
using TailHub.ScaleOut;
using TailHub.Tests.Support;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.ScaleOut;

/// <summary>An agent or a hub restarted mid-stream: viewers resume exactly, the agent publishes nothing twice.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static IEnumerable<string> Numbered(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"line {i}");

    [Fact]
    public async Task A_restarted_agent_resumes_publishing_after_the_streams_last_entry_without_duplicates()
    {
        var folder = new TempFolder();
        var agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        await using var hub = await StartHubAsync(_redis);
        await hub.WaitForSourceAsync("app");
        await using var viewer = await SseTestClient.ConnectAsync(hub.BaseAddress, "/api/stream?sources=app&backlog=0");
        using (var log = new LogWriter(folder.PathOf("app.log")))
        {
            foreach (var line in Numbered(1, 200)) log.WriteLine(line);
            await viewer.ReadUntilLinesAsync("app", 200);
            await agent.StopAsync();
            // Written while no agent runs: read by the next one from where the last one numbered to.
            foreach (var line in Numbered(201, 300)) log.WriteLine(line);
        }
        await using var restarted = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        var caughtUp = await viewer.ReadUntilLinesAsync("app", 100);
        // Appended once the restarted agent follows the file again (lines appended while a tailer is still starting
        // are the tailer's concern, not the agent's).
        using (var log = new LogWriter(folder.PathOf("app.log")))
        {
            foreach (var line in Numbered(301, 350)) log.WriteLine(line);
        }
        var events = caughtUp.Concat(await viewer.ReadUntilLinesAsync("app", 50)).ToList();

        Assert.DoesNotContain(events, e => e.Type == "gap");
        Assert.Equal(Numbered(201, 350), LinesOf(events, "app").Select(l => l.Text));
        var db = await _redis.DatabaseAsync();
        var registration = SourceRegistration.TryParse(await db.HashGetAsync(RedisKeys.Registry, "app"))!;
        var seqs = (await db.StreamRangeAsync(RedisKeys.Stream("app", registration.Epoch)))
            .SelectMany(e => StreamEntryCodec.Decode((byte[])e["d"]!)).Select(r => r.Seq).ToList();
        Assert.Equal(seqs.Distinct().Order(), seqs);
    }

    [Fact]
    public async Task Viewers_of_a_restarted_hub_reconnect_with_their_cursor_and_resume_exactly()
    {
        await using var agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" });
        using var log = new LogWriter(agent.Folder.PathOf("app.log"));
        var hub = await StartHubAsync(_redis);
        await hub.WaitForSourceAsync("app");
        string cursor;
        List<(long Seq, string Text)> before;
        await using (var viewer = await SseTestClient.ConnectAsync(hub.BaseAddress, "/api/stream?sources=app&backlog=0"))
        {
            foreach (var line in Numbered(1, 100)) log.WriteLine(line);
            before = LinesOf(await viewer.ReadUntilLinesAsync("app", 100), "app");
            cursor = viewer.LastEventId!;
            await hub.DisposeAsync();
        }
        foreach (var line in Numbered(101, 200)) log.WriteLine(line);

        await using var restarted = await StartHubAsync(_redis);
        await restarted.WaitForSourceAsync("app");
        await using var resumed = await SseTestClient.ConnectAsync(restarted.BaseAddress, "/api/stream?sources=app", lastEventId: cursor);
        foreach (var line in Numbered(201, 250)) log.WriteLine(line);
        var after = await resumed.ReadUntilLinesAsync("app", 150);

        Assert.DoesNotContain(after, e => e.Type == "gap");
        Assert.Equal(Numbered(1, 250), before.Concat(LinesOf(after, "app")).Select(l => l.Text));
    }
}
