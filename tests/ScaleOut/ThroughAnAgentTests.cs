using StackExchange.Redis;
using TailHub.ScaleOut;
using TailHub.Tests.Support;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.ScaleOut;

/// <summary>
/// Rotation and masking through an agent and a hub behave exactly as in one process (specs taken from the tailer's
/// and the redaction suites), and a viewer resuming from further back than Redis holds gets the lines read back
/// from the agent's file, masked the same way.
/// </summary>
public sealed class ThroughAnAgentTests : IAsyncLifetime
{
    private const string Secret = "hunter2-planted-secret";
    private const string SecretLine = "login ok password=" + Secret;

    private RedisServer _redis = null!;
    private TailHubServer _agent = null!;
    private TailHubServer _hub = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        // Redis keeps about 100 lines: older ones are read back from the agent.
        _agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:StreamMaxLines"] = "100" }, folder);
        _hub = await StartHubAsync(_redis, new Dictionary<string, string?> { ["TailHub:BacklogLines"] = "10" });
        await _hub.WaitForSourceAsync("app", s => s.GetProperty("state").GetString() == "following");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _agent.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private string P(string name) => _agent.Folder.PathOf(name);

    private static IEnumerable<string> Numbered(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"line {i}");

    private static async Task WriteNumberedAsync(LogWriter writer, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            writer.WriteLine($"line {i}");
            if (i % 25 == 0) await Task.Delay(1);
        }
    }

    [Fact]
    public async Task Rename_and_create_rotation_reaches_a_hubs_viewer_once_per_line_with_its_rotated_event()
    {
        await using var viewer = await SseTestClient.ConnectAsync(_hub.BaseAddress, "/api/stream?sources=app&backlog=0");
        var writer = new LogWriter(P("app.log"));

        await WriteNumberedAsync(writer, 1, 300);
        File.Move(P("app.log"), P("app.log.1"));
        await WriteNumberedAsync(writer, 301, 320);
        writer.Reopen();
        await WriteNumberedAsync(writer, 321, 600);
        writer.Dispose();

        var events = await viewer.ReadUntilLinesAsync("app", 600);
        var texts = LinesOf(events, "app").Select(l => l.Text).ToList();
        Assert.Equal(Numbered(1, 600).Order(), texts.Order());
        Assert.Equal(600, texts.Distinct().Count());
        Assert.Contains(events, e => e.Type == "rotated");
    }

    [Fact]
    public async Task Copytruncate_reaches_a_hubs_viewer_as_a_truncated_event_with_nothing_repeated()
    {
        await using var viewer = await SseTestClient.ConnectAsync(_hub.BaseAddress, "/api/stream?sources=app&backlog=0");

        for (var i = 1; i <= 300; i++) File.AppendAllText(P("app.log"), $"line {i}\n");
        var first = await viewer.ReadUntilLinesAsync("app", 300);
        File.Copy(P("app.log"), P("app.log.1"));
        using (var truncate = new FileStream(P("app.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) truncate.SetLength(0);
        for (var i = 301; i <= 400; i++) File.AppendAllText(P("app.log"), $"line {i}\n");
        var rest = await viewer.ReadUntilLinesAsync("app", 100);

        Assert.Equal(Numbered(1, 400), LinesOf(first.Concat(rest), "app").Select(l => l.Text));
        Assert.Contains(rest, e => e.Type == "truncated");
    }

    [Fact]
    public async Task A_secret_reaches_a_hubs_viewer_masked_live_and_read_back_from_the_agent_beyond_redis()
    {
        using var writer = new LogWriter(P("app.log"));
        string cursor;
        await using (var live = await SseTestClient.ConnectAsync(_hub.BaseAddress, "/api/stream?sources=app&backlog=0"))
        {
            writer.WriteLine("line 1");
            cursor = (await live.ReadUntilLinesAsync("app", 1))[^1].Id!;
            writer.WriteLine(SecretLine);
            var seen = await live.ReadUntilLinesAsync("app", 1);
            Assert.Equal(["login ok password=***"], LinesOf(seen, "app").Select(l => l.Text));
            Assert.DoesNotContain(seen, e => e.Data.Contains(Secret));
        }
        for (var i = 3; i <= 1000; i++) writer.WriteLine($"line {i}");
        await _hub.WaitForSourceAsync("app", s => s.GetProperty("lastSeq").GetInt64() >= 1001);
        await AssertTrimmedPastAsync(2);

        await using var resumed = await SseTestClient.ConnectAsync(_hub.BaseAddress, "/api/stream?sources=app", lastEventId: cursor);
        var events = await resumed.ReadUntilLinesAsync("app", 999);

        Assert.DoesNotContain(events, e => e.Type == "gap");
        Assert.Equal(new[] { "login ok password=***" }.Concat(Numbered(3, 1000)), LinesOf(events, "app").Select(l => l.Text));
        Assert.DoesNotContain(events, e => e.Data.Contains(Secret));
    }

    /// <summary>Redis no longer holds line <paramref name="lineNumber"/>: reading it back had to ask the agent.</summary>
    private async Task AssertTrimmedPastAsync(int lineNumber)
    {
        var db = await _redis.DatabaseAsync();
        var registration = SourceRegistration.TryParse(await db.HashGetAsync(RedisKeys.Registry, "app"))!;
        var first = await db.StreamRangeAsync(RedisKeys.Stream("app", registration.Epoch), "-", "+", 1);
        var firstSeq = StreamEntryCodec.Decode((byte[])first[0]["d"]!)[0].Seq;
        Assert.True(firstSeq > lineNumber + 1, $"the stream still starts at seq {firstSeq}");
    }
}
