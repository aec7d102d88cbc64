using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TailHub.Hosting;
using TailHub.Observability;
using TailHub.Pipeline;
using TailHub.Streaming;
using TailHub.Tests.Support;

namespace TailHub.Tests.Observability;

/// <summary>What an operator asks /metrics: which source is stuck and why, and how the process is doing.</summary>
[Collection(MetricsCollection.Name)]
public sealed class OperatorMetricsTests
{
    private const string App = "source=\"app\"";

    private static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null, Dictionary<string, string>? sources = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(sources ?? new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }

    [Fact]
    public async Task The_service_is_named_tailhub_and_no_series_carries_a_scope_label()
    {
        await using var server = await StartAsync();

        var text = await server.Client.GetStringAsync("/metrics");

        Assert.Contains("service_name=\"tailhub\"", text);
        Assert.DoesNotContain("unknown_service", text);
        Assert.DoesNotContain("otel_scope_name", text);
    }

    [Theory]
    [InlineData("process_cpu_time_seconds_total")]
    [InlineData("process_memory_usage_bytes")]
    [InlineData("process_open_fds")]
    [InlineData("process_threads")]
    [InlineData("dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet_thread_pool_thread_count_total")]
    public async Task Process_and_runtime_series_are_exported(string series)
    {
        await using var server = await StartAsync();

        var text = await server.Client.GetStringAsync("/metrics");

        Assert.True(PrometheusText.Value(text, series) > 0, $"{series} missing or zero");
    }

    [Fact]
    public async Task Each_source_has_one_state_series_per_state_with_1_for_the_state_it_is_in()
    {
        await using var server = await StartAsync(sources: new() { ["app"] = "app.log", ["later"] = "not-yet.log" });

        var text = await Scrape.UntilAsync(server, "tailhub_source_state", 1, "state=\"following\"");

        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_state", App, "state=\"following\""));
        Assert.Equal(0, PrometheusText.Value(text, "tailhub_source_state", App, "state=\"waiting\""));
        Assert.Equal(0, PrometheusText.Value(text, "tailhub_source_state", App, "state=\"error\""));
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_state", "source=\"later\"", "state=\"waiting\""));
        Assert.Equal(0, PrometheusText.Value(text, "tailhub_source_state", "source=\"later\"", "state=\"following\""));
    }

    [Fact]
    public async Task Idle_seconds_grow_while_a_source_reads_nothing_and_fall_when_it_reads_a_line()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        var first = PrometheusText.Value(await server.Client.GetStringAsync("/metrics"), "tailhub_source_idle_seconds", App)!.Value;

        // Idle keeps growing: a later scrape reads more than this one did.
        var grown = await Scrape.UntilAsync(server, "tailhub_source_idle_seconds", first + 0.2, App);
        var idle = PrometheusText.Value(grown, "tailhub_source_idle_seconds", App)!.Value;
        Assert.True(idle >= first + 0.2, $"idle went from {first} to {idle}");

        writer.WriteLine("a line");
        await Scrape.UntilAsync(server, "tailhub_source_lines_total", 1, App);

        Assert.True(PrometheusText.Value(await server.Client.GetStringAsync("/metrics"), "tailhub_source_idle_seconds", App) < idle);
    }

    [Fact]
    public async Task A_viewer_that_does_not_read_shows_in_the_queued_events_of_its_source()
    {
        await using var server = await StartAsync(new() { ["TailHub:ViewerQueueBatches"] = "8", ["TailHub:BatchMaxLines"] = "100" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var stalled = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", stalled: true);
        var line = new string('x', 2000);

        // About 20 MB: more than the socket buffers hold, so events wait in the viewer's queue.
        for (var i = 0; i < 10_000; i++) writer.WriteLine(line);

        var text = await Scrape.UntilAsync(server, "tailhub_source_queued_events_max", 8, App, TimeSpan.FromSeconds(30));
        Assert.Equal(8, PrometheusText.Value(text, "tailhub_source_queued_events_max", App));
        Assert.True(PrometheusText.Value(text, "tailhub_source_queued_events", App) >= 8);
    }

    [Fact]
    public async Task Gap_events_sent_are_counted_by_reason()
    {
        await using var server = await StartAsync();

        // A position from another run of TailHub: the viewer is told, with a server-restarted gap.
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastEventId: "0badc0de:app=5");
        await viewer.ReadUntilAsync("gap");

        var text = await Scrape.UntilAsync(server, "tailhub_source_gaps_total", 1, "reason=\"server-restarted\"");
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_gaps_total", App, "reason=\"server-restarted\""));
    }

    [Fact]
    public async Task Refused_streams_are_counted_by_reason()
    {
        await using var server = await StartAsync(new() { ["TailHub:Limits:MaxViewersPerClient"] = "1" });
        await using var first = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        using var refused = await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        var text = await Scrape.UntilAsync(server, "tailhub_source_refusals_total", 1, "reason=\"client-limit\"");
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_refusals_total", App, "reason=\"client-limit\""));
    }

    [Fact]
    public async Task A_jenkins_source_shows_its_build_state()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "wrong");
        var folder = new TempFolder();
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), jenkins.SourceSettings(folder, jenkins.AddJob("app").FullName, tokenEnv), folder);

        var text = await Scrape.UntilAsync(server, "tailhub_jenkins_build_state", 1, "state=\"error\"");

        Assert.Equal(1, PrometheusText.Value(text, "tailhub_jenkins_build_state", "source=\"ci\"", "state=\"error\""));
        Assert.Equal(0, PrometheusText.Value(text, "tailhub_jenkins_build_state", "source=\"ci\"", "state=\"running\""));
    }

    [Fact]
    public async Task A_source_that_stopped_reading_shows_the_bytes_behind_its_files_end()
    {
        var folder = new TempFolder();
        var path = folder.PathOf("app.log");
        File.WriteAllText(path, "");
        await using var tailer = new TailerHarness("app.log", folder);
        await tailer.WaitForNoticeAsync(TailHub.Pipeline.NoticeKind.Following);
        File.AppendAllText(path, "one\ntwo\n");
        await tailer.WaitForLinesAsync(2);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Offset == 8), "the status to show the offset");
        // The tailer stops (as one stuck would): what is written now is not read.
        await tailer.DisposeAsync();
        File.AppendAllText(path, new string('x', 99) + "\n");

        Assert.Equal(100, SourceObservations.BytesBehind(tailer.Tailer.Status));
    }

    [Fact]
    public async Task Promtool_finds_nothing_wrong_with_the_metrics_after_a_workload()
    {
        const string promtool = "/usr/bin/promtool";
        Assert.True(File.Exists(promtool), "promtool is needed: apt-get install -y prometheus");
        await using var server = await StartAsync(new() { ["TailHub:Limits:MaxViewersPerClient"] = "1" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastEventId: "0badc0de:app=5");
        using (await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead)) { }
        writer.WriteLine("password=hunter2 and a line");
        await viewer.ReadUntilLinesAsync("app", 1);
        await Scrape.UntilAsync(server, "tailhub_delivery_duration_seconds_count", 1, App);
        var metrics = await server.Client.GetStringAsync("/metrics");

        await Promtool.AssertCleanAsync(metrics);
        Assert.Contains("tailhub_source_gaps_total", metrics);
        Assert.Contains("tailhub_source_refusals_total", metrics);
    }
}
