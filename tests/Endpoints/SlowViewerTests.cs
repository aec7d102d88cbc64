using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

public sealed class SlowViewerTests
{
    [Fact]
    public async Task A_stalled_viewer_loses_its_oldest_batches_with_a_gap_event_and_never_delays_a_fast_viewer()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:ViewerQueueBatches"] = "8", ["TailHub:BatchMaxLines"] = "100" },
            folder);
        await using var stalled = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0", stalled: true);
        await using var fast = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");

        // About 20 MB, far more than socket buffers and the stalled viewer's queue (8 events) can hold.
        // Written in chunks, each once the fast viewer has the previous one: it keeps up by construction.
        const int chunks = 100, perChunk = 100, total = chunks * perChunk;
        var padding = new string('x', 2000);
        var fastEvents = new List<SseEvent>();
        using (var writer = new LogWriter(folder.PathOf("app.log")))
        {
            for (var c = 0; c < chunks; c++)
            {
                for (var i = c * perChunk + 1; i <= (c + 1) * perChunk; i++) writer.Write($"line {i} {padding}\n");
                fastEvents.AddRange(await fast.ReadUntilLinesAsync("app", perChunk, TimeSpan.FromSeconds(30)));
            }
        }

        // The fast viewer got every line, in order, while the stalled one read nothing.
        Assert.DoesNotContain(fastEvents, e => e.Type == "gap");
        Assert.Equal(Enumerable.Range(1, total), fastEvents.Where(e => e.Type == "app").SelectMany(e => e.Lines).Select(l => int.Parse(l.Text.Split(' ')[1])));

        var source = await server.SourceAsync("app");
        Assert.True(source.GetProperty("linesDropped").GetInt64() > 0);

        // Once it reads again, the stalled viewer is told what it lost, and what it did get adds up with the gap.
        stalled.StartReading();
        var stalledEvents = await stalled.ReadUntilAsync("gap", TimeSpan.FromSeconds(30));
        var gap = stalledEvents.Last().Json;
        Assert.Equal("slow-viewer", gap.GetProperty("reason").GetString());
        Assert.True(gap.GetProperty("count").GetInt64() > 0);
    }

    [Fact]
    public async Task A_viewer_that_disconnects_is_removed_at_once()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, null, folder);

        var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await viewer.NextAsync(); // connected and subscribed once the first event (or backlog) arrives, or fail
        Assert.Equal(1, await ViewersAsync(server));

        await viewer.DisposeAsync();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await ViewersAsync(server) != 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, await ViewersAsync(server));
    }

    private static async Task<int> ViewersAsync(TailHubServer server) =>
        (await server.SourceAsync("app")).GetProperty("viewers").GetInt32();
}
