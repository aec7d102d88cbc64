using TailHub.Tests.Support;

namespace TailHub.Tests.Observability;

/// <summary>/metrics scraped after a known workload.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointTests
{
    private const string App = "source=\"app\"";

    private static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }

    private static Task<string> ScrapeUntilAsync(TailHubServer server, string name, double expected, params string[] labels) =>
        Scrape.UntilAsync(server, name, expected, labels.FirstOrDefault() ?? "", TimeSpan.FromSeconds(15));

    private static Task<string> ScrapeUntilAsync(TailHubServer server, string name, double expected, string label, TimeSpan timeout) =>
        Scrape.UntilAsync(server, name, expected, label, timeout);

    [Fact]
    public async Task Metrics_are_served_in_the_prometheus_text_format()
    {
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync("/metrics");

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE tailhub_source_lines_total counter", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lines_and_bytes_read_are_counted_per_source()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));

        writer.WriteLine("one");
        writer.WriteLine("two");
        writer.WriteLine("three");

        var text = await ScrapeUntilAsync(server, "tailhub_source_lines_total", 3, App);
        Assert.Equal(3, PrometheusText.Value(text, "tailhub_source_lines_total", App));
        Assert.Equal(14, PrometheusText.Value(text, "tailhub_source_bytes_total", App));
    }

    [Fact]
    public async Task Connected_viewers_are_a_gauge_per_source()
    {
        await using var server = await StartAsync();
        await using var viewer1 = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await using var viewer2 = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        var text = await ScrapeUntilAsync(server, "tailhub_source_viewers", 2, App);

        Assert.Equal(2, PrometheusText.Value(text, "tailhub_source_viewers", App));
        Assert.Contains("# TYPE tailhub_source_viewers gauge", text);
    }

    [Fact]
    public async Task A_rotation_is_counted()
    {
        await using var server = await StartAsync();
        var path = server.Folder.PathOf("app.log");
        using (var writer = new LogWriter(path)) writer.WriteLine("before");
        await ScrapeUntilAsync(server, "tailhub_source_lines_total", 1, App);

        File.Move(path, path + ".1");
        File.WriteAllText(path, "after\n");

        var text = await ScrapeUntilAsync(server, "tailhub_source_rotations_total", 1, App);
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_rotations_total", App));
        Assert.Equal(0, PrometheusText.Value(text, "tailhub_source_truncations_total", App));
    }

    [Fact]
    public async Task A_truncation_is_counted()
    {
        await using var server = await StartAsync();
        var path = server.Folder.PathOf("app.log");
        using (var writer = new LogWriter(path)) writer.WriteLine("a fairly long line before the truncation");
        await ScrapeUntilAsync(server, "tailhub_source_lines_total", 1, App);

        File.WriteAllText(path, "x\n");

        var text = await ScrapeUntilAsync(server, "tailhub_source_truncations_total", 1, App);
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_source_truncations_total", App));
    }

    [Fact]
    public async Task Lines_delivered_to_a_viewer_are_measured_in_the_delivery_histogram()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        writer.WriteLine("delivered");
        await viewer.ReadUntilLinesAsync("app", 1);

        var text = await ScrapeUntilAsync(server, "tailhub_delivery_duration_seconds_count", 1, App);
        Assert.True(PrometheusText.Value(text, "tailhub_delivery_duration_seconds_count", App) >= 1);
        Assert.NotNull(PrometheusText.Value(text, "tailhub_delivery_duration_seconds_bucket", App, "le=\"0.001\""));
    }

    [Fact]
    public async Task Lines_dropped_for_a_slow_viewer_are_counted()
    {
        await using var server = await StartAsync(new() { ["TailHub:ViewerQueueBatches"] = "1", ["TailHub:BatchMaxLines"] = "100" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var stalled = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", stalled: true);
        var line = new string('x', 2000);

        // About 20 MB: more than the socket buffers and the stalled viewer's one-batch queue can hold.
        for (var i = 0; i < 10_000; i++) writer.WriteLine(line);

        var text = await ScrapeUntilAsync(server, "tailhub_source_lines_dropped_total", 1, App, TimeSpan.FromSeconds(30));
        Assert.True(PrometheusText.Value(text, "tailhub_source_lines_dropped_total", App) >= 1);
    }

    [Fact]
    public async Task Masked_lines_are_counted()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));

        writer.WriteLine("password=hunter2");

        var text = await ScrapeUntilAsync(server, "tailhub_redaction_lines_total", 1);
        Assert.Equal(1, PrometheusText.Value(text, "tailhub_redaction_lines_total"));
    }

    [Fact]
    public async Task Http_requests_are_measured_by_asp_net_core()
    {
        await using var server = await StartAsync();
        await server.Client.GetStringAsync("/api/sources");

        var text = await ScrapeUntilAsync(server, "http_server_request_duration_seconds_count", 1, "http_route=\"/api/sources/\"");

        Assert.True(PrometheusText.Value(text, "http_server_request_duration_seconds_count", "http_route=\"/api/sources/\"") >= 1);
    }
}
