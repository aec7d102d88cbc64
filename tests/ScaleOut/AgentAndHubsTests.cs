using System.Net;
using TailHub.Tests.Observability;
using TailHub.Tests.Support;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.ScaleOut;

/// <summary>One agent tailing a file, two hubs serving it from Redis: every viewer, on either hub, gets every line once.</summary>
public sealed class AgentAndHubsTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private TailHubServer _agent = null!;
    private TailHubServer _hubA = null!;
    private TailHubServer _hubB = null!;
    private LogWriter _log = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _agent = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" });
        _log = new LogWriter(_agent.Folder.PathOf("app.log"));
        _hubA = await StartHubAsync(_redis);
        _hubB = await StartHubAsync(_redis);
        await _hubA.WaitForSourceAsync("app");
        await _hubB.WaitForSourceAsync("app");
    }

    public async Task DisposeAsync()
    {
        _log.Dispose();
        await _hubA.DisposeAsync();
        await _hubB.DisposeAsync();
        await _agent.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private void Write(int from, int to)
    {
        for (var i = from; i <= to; i++) _log.WriteLine($"line {i}");
    }

    private static List<string> Numbered(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"line {i}").ToList();

    [Fact]
    public async Task A_viewer_on_each_hub_receives_every_line_once_in_order()
    {
        await using var onA = await SseTestClient.ConnectAsync(_hubA.BaseAddress, "/api/stream?sources=app&backlog=0");
        await using var onB = await SseTestClient.ConnectAsync(_hubB.BaseAddress, "/api/stream?sources=app&backlog=0");

        Write(1, 300);
        var a = LinesOf(await onA.ReadUntilLinesAsync("app", 300), "app");
        var b = LinesOf(await onB.ReadUntilLinesAsync("app", 300), "app");

        Assert.Equal(Numbered(1, 300), a.Select(l => l.Text));
        Assert.Equal(Numbered(1, 300), b.Select(l => l.Text));
        Assert.Equal(a.Select(l => l.Seq), b.Select(l => l.Seq));
    }

    [Fact]
    public async Task A_viewer_moved_from_one_hub_to_the_other_with_its_cursor_loses_and_repeats_nothing()
    {
        string cursor;
        List<(long Seq, string Text)> before;
        await using (var onA = await SseTestClient.ConnectAsync(_hubA.BaseAddress, "/api/stream?sources=app&backlog=0"))
        {
            Write(1, 100);
            before = LinesOf(await onA.ReadUntilLinesAsync("app", 100), "app");
            cursor = onA.LastEventId!;
        }
        // Written while the viewer is between hubs: hub B has them from Redis, with the same numbers.
        Write(101, 250);
        await _hubB.WaitForSourceAsync("app", s => s.GetProperty("lastSeq").GetInt64() >= before[^1].Seq + 150);

        await using var onB = await SseTestClient.ConnectAsync(_hubB.BaseAddress, "/api/stream?sources=app", lastEventId: cursor);
        Write(251, 300);
        var after = await onB.ReadUntilLinesAsync("app", 200);

        Assert.DoesNotContain(after, e => e.Type == "gap");
        Assert.Equal(Numbered(1, 300), before.Concat(LinesOf(after, "app")).Select(l => l.Text));
    }

    [Fact]
    public async Task A_hub_says_which_agent_publishes_a_source_and_what_the_agent_reads()
    {
        var source = await _hubA.SourceAsync("app");

        Assert.False(string.IsNullOrEmpty(source.GetProperty("agent").GetString()));
        Assert.Equal("file", source.GetProperty("type").GetString());
        Assert.Equal(_agent.Folder.PathOf("app.log"), source.GetProperty("path").GetString());
    }

    [Fact]
    public async Task The_agent_and_the_hubs_export_publishing_and_mirroring_series_that_promtool_accepts()
    {
        await using var onA = await SseTestClient.ConnectAsync(_hubA.BaseAddress, "/api/stream?sources=app&backlog=0");
        Write(1, 50);
        await onA.ReadUntilLinesAsync("app", 50);

        var agent = await Scrape.UntilAsync(_agent, "tailhub_publish_records_total", 50, "source=\"app\"");
        var hub = await Scrape.UntilAsync(_hubA, "tailhub_delivery_duration_seconds_count", 1, "source=\"app\"");

        Assert.True(PrometheusText.Value(agent, "tailhub_publish_records_total", "source=\"app\"") >= 50);
        Assert.Equal(0, PrometheusText.Value(agent, "tailhub_publish_buffered", "source=\"app\""));
        Assert.Equal(0, PrometheusText.Value(agent, "tailhub_publish_errors_total", "source=\"app\""));
        Assert.Equal(1, PrometheusText.Value(agent, "tailhub_redis_connected"));
        Assert.NotNull(PrometheusText.Value(hub, "tailhub_mirror_lag_seconds", "source=\"app\""));
        Assert.Equal(1, PrometheusText.Value(hub, "tailhub_redis_connected"));
        await Promtool.AssertCleanAsync(agent);
        await Promtool.AssertCleanAsync(hub);
    }

    [Fact]
    public async Task An_agent_serves_no_page_and_no_api_only_health_metrics_and_its_history_route()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.Client.GetAsync("/api/sources")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.Client.GetAsync("/api/stream?sources=app")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _agent.Client.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _agent.Client.GetAsync("/metrics")).StatusCode);
        var history = await _agent.Client.GetAsync("/cluster/sources/app/history?epoch=x&after=0&to=1");
        Assert.Equal(HttpStatusCode.Unauthorized, history.StatusCode);
        Assert.Equal("application/problem+json", history.Content.Headers.ContentType?.MediaType);
    }
}
