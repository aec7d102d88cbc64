using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Pipeline;

/// <summary>
/// A big file that appears while nobody watches is read in bulk: lines are counted, numbered and journalled, not made
/// one by one. Whoever asks for them later — a new viewer's backlog, a resume — gets every line, exactly as the
/// line-by-line path would have made it, masked; a viewer watching as it arrives gets every line too.
/// </summary>
public sealed class BulkCatchUpTests
{
    // Several reads' worth (the tailer reads 256 KiB at a time and splits the last 512 KiB line by line).
    private const int LineCount = 40_000;

    private static string LineText(int i) => $"line {i:D6} " + new string((char)('a' + i % 26), i % 150);

    private static async Task<TailHubServer> StartWaitingAsync(Dictionary<string, string?>? settings = null)
    {
        var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings);
        // The "waiting for app.log" notice is seq 1: from now on a file moved into place is read from its start.
        await server.WaitForPublishedAsync("app", 1);
        return server;
    }

    /// <summary>Writes the lines elsewhere and renames the file into place, as a finished download or a copied build log arrives.</summary>
    private static void MoveBigFileIntoPlace(TailHubServer server, Func<int, string> lineText)
    {
        var staged = server.Folder.PathOf("staged.data");
        var text = new StringBuilder();
        for (var i = 1; i <= LineCount; i++) text.Append(lineText(i)).Append('\n');
        File.WriteAllText(staged, text.ToString());
        File.Move(staged, server.Folder.PathOf("app.log"));
    }

    private static List<(long Seq, string Text)> LinesOf(IEnumerable<SseEvent> events) =>
        events.Where(e => e.Type == "app").SelectMany(e => e.Lines).ToList();

    // Seq 1 is the waiting notice and seq 2 the "following" notice, so line i has seq i + 2.
    private const int FirstLineSeq = 3;
    private const int LastLineSeq = FirstLineSeq + LineCount - 1;

    /// <summary>Moves the big file in, waits until all of it is published, and returns its last line's event id.</summary>
    private static async Task<string> MoveInAndReadLastIdAsync(TailHubServer server, Func<int, string> lineText)
    {
        MoveBigFileIntoPlace(server, lineText);
        await server.WaitForPublishedAsync("app", LastLineSeq);
        await using var first = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=1");
        await first.ReadUntilLinesAsync("app", 1);
        return first.LastEventId!;
    }

    /// <summary>The same event id with this source's position moved back to <paramref name="seq"/>.</summary>
    private static string PositionedAt(string lastId, long seq)
    {
        var id = System.Text.RegularExpressions.Regex.Replace(lastId, $"^(app@[0-9a-f]+)={LastLineSeq}$", $"$1={seq}");
        Assert.NotEqual(lastId, id);
        return id;
    }

    [Fact]
    public async Task A_viewer_watching_as_a_big_file_arrives_gets_every_line_once_in_order()
    {
        await using var server = await StartWaitingAsync();
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");

        MoveBigFileIntoPlace(server, LineText);

        var events = await viewer.ReadUntilLinesAsync("app", LineCount, TimeSpan.FromSeconds(60));
        var lines = LinesOf(events);
        Assert.Equal(Enumerable.Range(1, LineCount).Select(LineText), lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(FirstLineSeq, LineCount).Select(s => (long)s), lines.Select(l => l.Seq));
        Assert.DoesNotContain(events, e => e.Type == "gap");
    }

    [Fact]
    public async Task A_new_viewer_after_a_big_file_was_read_gets_its_whole_backlog_read_back_from_the_file()
    {
        // More lines than the tailer split one by one at the end of the file: the rest come back from disk.
        await using var server = await StartWaitingAsync(new() { ["TailHub:BacklogLines"] = "30000" });
        MoveBigFileIntoPlace(server, LineText);
        await server.WaitForPublishedAsync("app", LastLineSeq);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=30000");

        var lines = LinesOf(await viewer.ReadUntilLinesAsync("app", 30_000, TimeSpan.FromSeconds(60)));
        Assert.Equal(Enumerable.Range(LineCount - 30_000 + 1, 30_000).Select(LineText), lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(FirstLineSeq + LineCount - 30_000, 30_000).Select(s => (long)s), lines.Select(l => l.Seq));
    }

    [Fact]
    public async Task A_viewer_resuming_inside_a_bulk_read_stretch_gets_exactly_the_lines_after_its_position()
    {
        await using var server = await StartWaitingAsync();
        var lastId = await MoveInAndReadLastIdAsync(server, LineText);

        // Position 1,002 is line 1,000: early in the file, in the part read in bulk.
        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", PositionedAt(lastId, 1002));

        var events = await resumed.ReadUntilLinesAsync("app", LineCount - 1000, TimeSpan.FromSeconds(60));
        var lines = LinesOf(events);
        Assert.Equal(Enumerable.Range(1001, LineCount - 1000).Select(LineText), lines.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1003, LineCount - 1000).Select(s => (long)s), lines.Select(l => l.Seq));
        Assert.DoesNotContain(events, e => e.Type == "gap");
    }

    [Fact]
    public async Task Secrets_and_a_private_key_in_a_big_file_read_in_bulk_reach_viewers_masked()
    {
        const string secret = "hunter2-planted-in-bulk";
        string[] key = ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJT", "-----END PRIVATE KEY-----"];
        string Text(int i) => i switch
        {
            5_000 => $"login ok password={secret}",
            >= 20_000 and < 20_003 => key[i - 20_000],
            _ => LineText(i),
        };
        await using var server = await StartWaitingAsync();
        var lastId = await MoveInAndReadLastIdAsync(server, Text);

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", PositionedAt(lastId, 2));

        var events = await resumed.ReadUntilLinesAsync("app", LineCount, TimeSpan.FromSeconds(60));
        var lines = LinesOf(events).Select(l => l.Text).ToList();
        Assert.Equal(LineCount, lines.Count);
        Assert.Equal("login ok password=***", lines[5_000 - 1]);
        Assert.Equal(["-----BEGIN PRIVATE KEY-----", LineRedactorMask, "-----END PRIVATE KEY-----"], lines[(20_000 - 1)..(20_003 - 1)]);
        Assert.DoesNotContain(events, e => e.Data.Contains(secret) || e.Data.Contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj"));
    }

    private const string LineRedactorMask = TailHub.Pipeline.Redaction.LineRedactor.Mask;
}
