using System.Net;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary>/api/stream over Kestrel on a loopback port, read by a real SSE client.</summary>
public sealed class StreamEndpointTests
{
    private static Dictionary<string, string> App => new() { ["app"] = "app.log" };

    private static List<(long Seq, string Text)> LinesOf(IEnumerable<SseEvent> events, string source) =>
        events.Where(e => e.Type == source).SelectMany(e => e.Lines).ToList();

    private static async Task<TailHubServer> StartWithFileAsync(Dictionary<string, string?>? settings = null, string initial = "")
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), initial);
        return await TailHubServer.StartAsync(App, settings, folder);
    }


    [Fact]
    public async Task A_line_appended_to_a_file_reaches_a_connected_viewer_as_an_event_named_after_its_source()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        Assert.Equal("text/event-stream", viewer.Response.Content.Headers.ContentType?.MediaType);

        writer.WriteLine("hello from the test");

        var lines = LinesOf(await viewer.ReadUntilLinesAsync("app", 1), "app");
        Assert.Equal("hello from the test", Assert.Single(lines).Text);
    }

    [Fact]
    public async Task The_stream_is_sent_with_headers_that_stop_caching_and_proxy_buffering()
    {
        await using var server = await StartWithFileAsync();
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        var headers = viewer.Response.Headers.ToString();
        Assert.True(viewer.Response.IsSuccessStatusCode, $"{viewer.Response.StatusCode}: {headers}");
        Assert.True(viewer.Response.Headers.CacheControl is { NoCache: true, NoStore: true }, headers);
        Assert.True(viewer.Response.Headers.TryGetValues("X-Accel-Buffering", out var buffering) && buffering.Single() == "no", headers);
    }

    [Fact]
    public async Task A_new_viewer_gets_the_backlog_then_live_lines_with_no_gap_and_no_duplicate()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        // Wait until the tailer follows the file, then write a backlog while lines keep coming during the connect.
        await server.WaitForPublishedAsync("app", 1);
        for (var i = 1; i <= 200; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 201);
        var writing = Task.Run(async () =>
        {
            for (var i = 201; i <= 400; i++)
            {
                writer.WriteLine($"line {i}");
                if (i % 20 == 0) await Task.Delay(2);
            }
        });
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await writing;

        var lines = LinesOf(await viewer.ReadUntilLinesAsync("app", 400), "app");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"line {i}"), lines.Select(l => l.Text));
        Assert.Equal(lines.Select(l => l.Seq).Distinct().Count(), lines.Count);
    }

    [Fact]
    public async Task Backlog_parameter_limits_how_many_earlier_lines_a_new_viewer_gets()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await server.WaitForPublishedAsync("app", 1);
        for (var i = 1; i <= 50; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 51);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=5");
        writer.WriteLine("live");

        var lines = LinesOf(await viewer.ReadUntilLinesAsync("app", 6), "app");
        Assert.Equal(["line 46", "line 47", "line 48", "line 49", "line 50", "live"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task A_viewer_resuming_with_last_event_id_gets_exactly_the_lines_it_missed()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        var lastId = await server.PositionAfterWatchingAsync("app", 10, () =>
        {
            for (var i = 1; i <= 10; i++) writer.WriteLine($"line {i}");
        });
        for (var i = 11; i <= 20; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 21);

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);
        writer.WriteLine("line 21");

        var lines = LinesOf(await resumed.ReadUntilLinesAsync("app", 11), "app");
        Assert.Equal(Enumerable.Range(11, 11).Select(i => $"line {i}"), lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Lines_no_longer_in_the_backlog_are_read_back_from_the_file_on_resume()
    {
        await using var server = await StartWithFileAsync(new() { ["TailHub:BacklogLines"] = "10" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        var lastId = await server.PositionAfterWatchingAsync("app", 1, () => writer.WriteLine("line 1"));
        for (var i = 2; i <= 500; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 501);

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);

        var events = await resumed.ReadUntilLinesAsync("app", 499);
        Assert.DoesNotContain(events, e => e.Type == "gap");
        Assert.Equal(Enumerable.Range(2, 499).Select(i => $"line {i}"), LinesOf(events, "app").Select(l => l.Text));
    }

    [Fact]
    public async Task Lines_whose_file_was_rotated_away_and_deleted_are_reported_as_a_gap_on_resume()
    {
        await using var server = await StartWithFileAsync(new() { ["TailHub:BacklogLines"] = "3", ["TailHub:RotatedFileGrace"] = "00:00:00" });
        var path = server.Folder.PathOf("app.log");
        var writer = new LogWriter(path);
        var lastId = await server.PositionAfterWatchingAsync("app", 1, () => writer.WriteLine("seen"));
        for (var i = 1; i <= 20; i++) writer.WriteLine($"old {i}");
        writer.Dispose();
        await server.WaitForPublishedAsync("app", 22);
        File.Move(path, path + ".1");
        File.WriteAllText(path, "new 1\n");
        await server.WaitForPublishedAsync("app", 25); // the rotation, following the new file, its line: all the backlog holds
        File.Delete(path + ".1");          // as if compressed away

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);

        var events = await resumed.ReadUntilLinesAsync("app", 1);
        var gap = Assert.Single(events, e => e.Type == "gap").Json;
        Assert.Equal("file-gone", gap.GetProperty("reason").GetString());
        Assert.Equal(20, gap.GetProperty("count").GetInt64());
        Assert.Contains(events, e => e.Type == "rotated");
        Assert.Equal(["new 1"], LinesOf(events, "app").Select(l => l.Text));
    }

    [Fact]
    public async Task A_resume_id_from_an_earlier_run_of_the_server_gets_a_server_restarted_gap_then_the_backlog()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await server.WaitForPublishedAsync("app", 1);
        writer.WriteLine("current");
        await server.WaitForPublishedAsync("app", 2);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", "deadbeef:app=12345");

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        Assert.Equal("server-restarted", events.First(e => e.Type == "gap").Json.GetProperty("reason").GetString());
        Assert.Equal(["current"], LinesOf(events, "app").Select(l => l.Text));
    }

    [Fact]
    public async Task Truncation_and_rotation_are_sent_as_events_of_their_own()
    {
        await using var server = await StartWithFileAsync();
        var path = server.Folder.PathOf("app.log");
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");
        File.AppendAllText(path, "before\n");
        await viewer.ReadUntilLinesAsync("app", 1);

        File.WriteAllText(path, "");
        var truncated = (await viewer.ReadUntilAsync("truncated")).Last().Json;
        File.Move(path, path + ".1");
        File.WriteAllText(path, "after\n");
        var rotated = (await viewer.ReadUntilAsync("rotated")).Last().Json;

        Assert.Equal("app", truncated.GetProperty("source").GetString());
        Assert.Equal("app", rotated.GetProperty("source").GetString());
        Assert.Equal(["after"], LinesOf(await viewer.ReadUntilLinesAsync("app", 1), "app").Select(l => l.Text));
    }

    [Fact]
    public async Task Grep_sends_only_matching_lines()
    {
        await using var server = await StartWithFileAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&grep=" + Uri.EscapeDataString("ERROR|FATAL"));

        writer.WriteLine("INFO all good");
        writer.WriteLine("ERROR disk full");
        writer.WriteLine("DEBUG noise");
        writer.WriteLine("FATAL giving up");

        var lines = LinesOf(await viewer.ReadUntilLinesAsync("app", 2), "app");
        Assert.Equal(["ERROR disk full", "FATAL giving up"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Several_sources_in_one_stream_arrive_as_events_named_after_each()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("a.log"), "");
        File.WriteAllText(folder.PathOf("b.log"), "");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["web"] = "a.log", ["db"] = "b.log" }, null, folder);
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=web,db&backlog=0");

        File.AppendAllText(folder.PathOf("a.log"), "from web\n");
        var web = await viewer.ReadUntilLinesAsync("web", 1);
        File.AppendAllText(folder.PathOf("b.log"), "from db\n");
        var db = await viewer.ReadUntilLinesAsync("db", 1);

        Assert.Equal(["from web"], LinesOf(web, "web").Select(l => l.Text));
        Assert.Equal(["from db"], LinesOf(db, "db").Select(l => l.Text));
        Assert.Matches("^web@[0-9a-f]+=[0-9]+,db@[0-9a-f]+=[0-9]+$", viewer.LastEventId);
    }

    [Fact]
    public async Task The_backlog_of_several_sources_comes_in_the_order_its_lines_were_read()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("a.log"), "");
        File.WriteAllText(folder.PathOf("b.log"), "");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["web"] = "a.log", ["db"] = "b.log" }, null, folder);
        await server.WaitForPublishedAsync("web", 1);
        await server.WaitForPublishedAsync("db", 1);
        // Each line read, and the clock past its millisecond, before the next is written: each has its own read time.
        for (var i = 1; i <= 3; i++)
        {
            File.AppendAllText(folder.PathOf("a.log"), $"web {i}\n");
            await server.WaitForPublishedAsync("web", 1 + i);
            await ReadTimes.NextMillisecondAsync();
            File.AppendAllText(folder.PathOf("b.log"), $"db {i}\n");
            await server.WaitForPublishedAsync("db", 1 + i);
            await ReadTimes.NextMillisecondAsync();
        }

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=web,db");
        var events = await viewer.ReadUntilLinesAsync("db", 3);

        var lines = events.Where(e => e.Type is "web" or "db")
            .SelectMany(e => e.Json.GetProperty("lines").EnumerateArray().Select(l => (Text: l.GetProperty("text").GetString(), Ts: l.GetProperty("ts").GetInt64())))
            .ToList();
        Assert.Equal(["web 1", "db 1", "web 2", "db 2", "web 3", "db 3"], lines.Select(l => l.Text));
        Assert.Equal(lines.Select(l => l.Ts).Order(), lines.Select(l => l.Ts));
    }
}
