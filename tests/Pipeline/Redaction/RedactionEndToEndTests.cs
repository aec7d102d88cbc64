using TailHub.Tests.Support;

namespace TailHub.Tests.Pipeline.Redaction;

/// <summary>A secret planted in a tailed file never leaves TailHub, by any route.</summary>
public sealed class RedactionEndToEndTests
{
    private const string Secret = "hunter2-planted-secret";
    private const string SecretLine = "login ok password=" + Secret;

    private static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }


    private static List<string> TextsOf(IEnumerable<SseEvent> events) =>
        events.Where(e => e.Type == "app").SelectMany(e => e.Lines).Select(l => l.Text).ToList();

    [Fact]
    public async Task A_secret_written_while_a_viewer_watches_reaches_it_masked()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        writer.WriteLine(SecretLine);

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        Assert.Equal("login ok password=***", Assert.Single(TextsOf(events)));
        Assert.DoesNotContain(events, e => e.Data.Contains(Secret));
    }

    [Fact]
    public async Task A_secret_in_the_backlog_reaches_a_new_viewer_masked()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await server.WaitForPublishedAsync("app", 1);
        writer.WriteLine(SecretLine);
        await server.WaitForPublishedAsync("app", 2);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        Assert.Equal("login ok password=***", Assert.Single(TextsOf(events)));
    }

    [Fact]
    public async Task A_secret_read_back_from_disk_on_resume_is_masked()
    {
        await using var server = await StartAsync(new() { ["TailHub:BacklogLines"] = "10" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        var lastId = await server.PositionAfterWatchingAsync("app", 1, () => writer.WriteLine("line 1"));
        writer.WriteLine(SecretLine);
        for (var i = 3; i <= 100; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 101);

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);

        var events = await resumed.ReadUntilLinesAsync("app", 99);
        Assert.DoesNotContain(events, e => e.Type == "gap");
        var texts = TextsOf(events);
        Assert.Equal("login ok password=***", texts[0]);
        Assert.DoesNotContain(events, e => e.Data.Contains(Secret));
    }

    [Fact]
    public async Task A_private_key_read_back_from_disk_on_resume_is_masked_from_the_middle_of_its_block()
    {
        await using var server = await StartAsync(new() { ["TailHub:BacklogLines"] = "10" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        writer.WriteLine("-----BEGIN PRIVATE KEY-----");
        // Shorter than a PEM line, so only the block state can tell these lines are key material.
        writer.WriteLine("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJT");
        await server.WaitForPublishedAsync("app", 3);
        // The resume point is inside the block: the read-back must know it is still in a key.
        var lastId = await server.PositionAfterWatchingAsync("app", 1, () => writer.WriteLine("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJU"));
        writer.WriteLine("Zm9vYmFyYmF6cXV4c2VjcmV0a2V5bWF0ZXJpYWxzZWNyZXQ=");
        writer.WriteLine("-----END PRIVATE KEY-----");
        // Pushes the key's lines out of the 10-line backlog, so the resume reads them back from the file.
        for (var i = 0; i < 50; i++) writer.WriteLine($"line {i}");
        await server.WaitForPublishedAsync("app", 55);

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);

        var events = await resumed.ReadUntilLinesAsync("app", 52);
        var texts = TextsOf(events);
        Assert.DoesNotContain(events, e => e.Data.Contains("Zm9vYmFy"));
        Assert.Equal("***", texts[0]);
        Assert.Equal("-----END PRIVATE KEY-----", texts[1]);
    }

    [Fact]
    public async Task A_secret_does_not_appear_in_grep_results()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&grep=login");

        writer.WriteLine(SecretLine);

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        Assert.Equal("login ok password=***", Assert.Single(TextsOf(events)));
    }

    [Fact]
    public async Task Grep_for_a_secret_finds_nothing_because_it_is_matched_against_the_masked_line()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&grep=hunter2%7Cmarker");

        writer.WriteLine(SecretLine);
        writer.WriteLine("marker");

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        Assert.Equal(["marker"], TextsOf(events));
    }

    [Fact]
    public async Task A_secret_in_a_file_does_not_appear_in_the_sources_api()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        writer.WriteLine(SecretLine);
        await server.WaitForPublishedAsync("app", 2);

        var body = await server.Client.GetStringAsync("/api/sources");

        Assert.DoesNotContain(Secret, body);
    }

    [Fact]
    public async Task A_private_key_cut_by_the_initial_tail_is_still_masked()
    {
        var folder = new TempFolder();
        // InitialLines=2 starts inside the block: BEGIN and the first body line are history before the tail, and the
        // whole block reaches a new viewer's backlog masked.
        File.WriteAllText(folder.PathOf("app.log"),
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj\nZm9vYmFyYmF6cXV4c2VjcmV0a2V5bWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:InitialLines"] = "2" }, folder);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        var texts = TextsOf(await viewer.ReadUntilLinesAsync("app", 4));
        Assert.Equal(["-----BEGIN PRIVATE KEY-----", "***", "***", "-----END PRIVATE KEY-----"], texts);
    }
}
