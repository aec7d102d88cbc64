using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Pipeline.Structure;

/// <summary>Classification through the real server: in the stream's payload, and the same when lines are read back from disk.</summary>
public sealed class ClassificationEndToEndTests
{
    private static readonly string[] Written =
    [
        """{"@t":"2024-03-05T14:22:31.123Z","@l":"Error","@mt":"payment {Id} declined","Id":7}""",
        "time=2024-03-05T14:22:31Z level=warn msg=\"disk almost full\"",
        "just words",
    ];

    /// <summary>Lines of every lines event, as JSON objects, without <c>ts</c> (when TailHub read them, which read-back does not keep).</summary>
    private static List<string> LinesOf(IEnumerable<SseEvent> events, string source) =>
        events.Where(e => e.Type == source)
            .SelectMany(e => e.Json.GetProperty("lines").EnumerateArray())
            .Select(l => JsonSerializer.Serialize(l.EnumerateObject().Where(p => p.Name != "ts").ToDictionary(p => p.Name, p => p.Value)))
            .ToList();

    [Fact]
    public async Task A_files_lines_carry_level_kind_and_time_and_read_back_from_disk_the_same()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        // No backlog in memory: a viewer resuming from the start gets every line read back from the file.
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:BacklogLines"] = "0" }, folder);
        using var writer = new LogWriter(folder.PathOf("app.log"));

        await using var live = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");
        foreach (var line in Written) writer.WriteLine(line);
        var liveLines = LinesOf(await live.ReadUntilLinesAsync("app", Written.Length), "app");

        var start = live.LastEventId![..live.LastEventId!.IndexOf('=')] + "=0";
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastEventId: start);
        var readBack = LinesOf(await resumed.ReadUntilLinesAsync("app", Written.Length), "app");

        var expectedAt = DateTimeOffset.Parse("2024-03-05T14:22:31.123Z").ToUnixTimeMilliseconds();
        Assert.Contains($"\"level\":\"error\",\"kind\":\"json\",\"at\":{expectedAt}", liveLines[0]);
        Assert.Contains("\"level\":\"warn\",\"kind\":\"logfmt\",\"at\":", liveLines[1]);
        Assert.EndsWith("""
            ,"text":"just words"}
            """, liveLines[2]);
        Assert.Equal(liveLines, readBack);
    }

    [Fact]
    public async Task A_level_given_with_a_pushed_line_is_kept_when_it_is_read_back_from_the_spool()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), new Dictionary<string, string?>
        {
            ["TailHub:BacklogLines"] = "0",
            ["TailHub:Sources:0:Name"] = "in",
            ["TailHub:Sources:0:Type"] = "push",
        });
        await using var live = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=in&backlog=0");
        var body = """
            {"line":"ERROR but only a drill","level":"info"}
            {"line":"ERROR for real"}
            """;
        using var pushed = await server.Client.PostAsync("/api/sources/in/lines", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        pushed.EnsureSuccessStatusCode();
        var liveLines = LinesOf(await live.ReadUntilLinesAsync("in", 2), "in");

        var start = live.LastEventId![..live.LastEventId!.IndexOf('=')] + "=0";
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=in", lastEventId: start);
        var readBack = LinesOf(await resumed.ReadUntilLinesAsync("in", 2), "in");

        Assert.Equal(["""{"seq":1,"text":"ERROR but only a drill","level":"info"}""", """{"seq":2,"text":"ERROR for real","level":"error"}"""], liveLines);
        Assert.Equal(liveLines, readBack);
    }

    /// <summary>
    /// A file holding <paramref name="before"/> lines when TailHub starts (the last <c>InitialLines</c> read as lines,
    /// the rest backfill), then one line written live: every line, read back from the file's start.
    /// </summary>
    private static async Task<List<JsonElement>> AllLinesOfAFileStartedWithHistoryAsync(int before, Dictionary<string, string?> settings)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), string.Concat(Enumerable.Range(1, before).Select(i => $"ERROR old {i}\n")));
        settings["TailHub:InitialLines"] = "3";
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
        using var writer = new LogWriter(folder.PathOf("app.log"));
        await using var live = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");
        writer.WriteLine("ERROR new");
        await live.ReadUntilLinesAsync("app", 1);

        var start = live.LastEventId![..live.LastEventId!.IndexOf('=')] + "=0";
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastEventId: start);
        return (await resumed.ReadUntilLinesAsync("app", before + 1)).Where(e => e.Type == "app")
            .SelectMany(e => e.Json.GetProperty("lines").EnumerateArray()).ToList();
    }

    [Fact]
    public async Task A_files_lines_from_before_start_are_classified_the_backfill_included()
    {
        var lines = await AllLinesOfAFileStartedWithHistoryAsync(10, []);

        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => $"ERROR old {i}"), "ERROR new"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.All(lines, l => Assert.Equal("error", l.GetProperty("level").GetString()));
    }

    [Fact]
    public async Task With_ClassifyLines_off_a_files_lines_carry_no_level_old_or_new()
    {
        var lines = await AllLinesOfAFileStartedWithHistoryAsync(10, new() { ["TailHub:ClassifyLines"] = "false" });

        Assert.Equal(11, lines.Count);
        Assert.All(lines, l => Assert.False(l.TryGetProperty("level", out _), l.ToString()));
    }
}
