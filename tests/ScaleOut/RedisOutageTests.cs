using System.Text.Json;
using StackExchange.Redis;
using TailHub.ScaleOut;
using TailHub.Tests.Support;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.ScaleOut;

/// <summary>
/// Redis stopped under a steady writer and started again (empty: it keeps nothing on disk): the agent keeps tailing
/// and buffering, the hubs say the source is in error and recover by themselves, and the viewers get every line once,
/// or an explicit gap for what went past the agent's buffer.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    /// <summary>Writes numbered lines every 10 ms (100 a second) until stopped; returns how many it wrote.</summary>
    private static async Task<int> SteadyWriterAsync(string path, CancellationToken stop)
    {
        using var log = new LogWriter(path);
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            log.WriteLine($"line {++n}");
            try { await Task.Delay(10, stop); } catch (OperationCanceledException) { }
        }
        return n;
    }

    private static Func<JsonElement, bool> InState(string state) => s => s.GetProperty("state").GetString() == state;

    [Fact]
    public async Task Five_seconds_without_redis_under_a_steady_writer_lose_nothing_and_the_hubs_recover()
    {
        await using var agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" });
        await using var hubA = await StartHubAsync(_redis);
        await using var hubB = await StartHubAsync(_redis);
        await hubA.WaitForSourceAsync("app");
        await hubB.WaitForSourceAsync("app");
        await using var onA = await SseTestClient.ConnectAsync(hubA.BaseAddress, "/api/stream?sources=app&backlog=0");
        await using var onB = await SseTestClient.ConnectAsync(hubB.BaseAddress, "/api/stream?sources=app&backlog=0");
        using var stopWriting = new CancellationTokenSource();
        var writer = SteadyWriterAsync(agent.Folder.PathOf("app.log"), stopWriting.Token);
        await hubA.WaitForSourceAsync("app", s => s.GetProperty("lastSeq").GetInt64() >= 50);

        await _redis.StopAsync();
        var down = await hubA.WaitForSourceAsync("app", InState("error"));
        // Every source of this hub is in error: not ready (503), and it says why.
        var ready = await (await hubA.Client.GetAsync("/healthz/ready")).Content.ReadAsStringAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await _redis.StartAgainAsync();
        await hubA.WaitForSourceAsync("app", InState("following"));
        await hubB.WaitForSourceAsync("app", InState("following"));
        await Task.Delay(500);
        stopWriting.Cancel();
        var written = await writer;

        var expected = Enumerable.Range(1, written).Select(i => $"line {i}").ToList();
        foreach (var viewer in new[] { onA, onB })
        {
            var events = await viewer.ReadUntilLinesAsync("app", written, TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(events, e => e.Type == "gap");
            Assert.Equal(expected, LinesOf(events, "app").Select(l => l.Text));
        }
        Assert.Contains("Redis", down.GetProperty("message").GetString());
        Assert.Contains("Redis", ready);
        await AssertStreamHasNoDuplicateAsync(agent);
    }

    [Fact]
    public async Task Lines_past_the_agents_buffer_while_redis_is_away_arrive_as_an_unpublished_gap_never_silently()
    {
        await using var agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:PublishBufferRecords"] = "100" });
        await using var hub = await StartHubAsync(_redis);
        await hub.WaitForSourceAsync("app");
        await using var viewer = await SseTestClient.ConnectAsync(hub.BaseAddress, "/api/stream?sources=app&backlog=0");
        using var log = new LogWriter(agent.Folder.PathOf("app.log"));
        for (var i = 1; i <= 20; i++) log.WriteLine($"line {i}");
        var first = await viewer.ReadUntilLinesAsync("app", 20);

        await _redis.StopAsync();
        await hub.WaitForSourceAsync("app", InState("error"));
        for (var i = 21; i <= 420; i++)
        {
            log.WriteLine($"line {i}");
            if (i % 50 == 0) await Task.Delay(100);
        }
        await _redis.StartAgainAsync();
        for (var i = 421; i <= 430; i++) log.WriteLine($"line {i}");

        // Every line either arrives or is inside a gap: read until all 430 are accounted for.
        var events = new List<SseEvent>(first);
        var accounted = LinesOf(first, "app").Count;
        while (accounted < 430)
        {
            var e = await viewer.NextAsync(TimeSpan.FromSeconds(30));
            events.Add(e);
            accounted += e.Type == "gap" ? (int)e.Json.GetProperty("count").GetInt64() : e.Type == "app" ? e.Lines.Count() : 0;
        }

        var gap = Assert.Single(events, e => e.Type == "gap").Json;
        Assert.Equal("unpublished", gap.GetProperty("reason").GetString());
        var from = gap.GetProperty("from").GetInt64();
        var to = gap.GetProperty("to").GetInt64();
        var lines = LinesOf(events, "app");
        // Past its buffer of 100 records the agent dropped at least the 300 lines beyond it, and said which.
        var dropped = (int)(to - from + 1);
        Assert.InRange(dropped, 300, 400);
        Assert.DoesNotContain(lines, l => l.Seq >= from && l.Seq <= to);
        var before = lines.Count(l => l.Seq < from);
        Assert.Equal(Enumerable.Range(1, before).Concat(Enumerable.Range(before + dropped + 1, 430 - before - dropped)).Select(i => $"line {i}"), lines.Select(l => l.Text));
    }

    /// <summary>Every sequence number in the agent's stream once, in order: no entry was appended twice.</summary>
    private async Task AssertStreamHasNoDuplicateAsync(TailHubServer agent)
    {
        var db = await _redis.DatabaseAsync();
        var registration = SourceRegistration.TryParse(await db.HashGetAsync(RedisKeys.Registry, "app"))!;
        var entries = await db.StreamRangeAsync(RedisKeys.Stream("app", registration.Epoch));
        var seqs = entries.SelectMany(e => StreamEntryCodec.Decode((byte[])e["d"]!)).Select(r => r.Seq).ToList();
        Assert.NotEmpty(seqs);
        Assert.Equal(seqs.Distinct().Order(), seqs);
    }
}
