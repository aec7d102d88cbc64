using System.IO.Compression;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary>
/// Resuming with Last-Event-ID after logrotate moved the file to its <c>olddir</c> (the source's <c>RotatedFiles</c>)
/// and compressed it there: the lines are read back from the gzip file, exactly, with no gap.
/// </summary>
public sealed class ResumeFromRotatedFilesTests
{
    private static List<string> TextsOf(IEnumerable<SseEvent> events) => events.Where(e => e.Type == "app").SelectMany(e => e.Lines).Select(l => l.Text).ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_viewer_resuming_gets_the_lines_of_a_file_rotated_to_olddir_from_where_it_is_now(bool compressed)
    {
        var folder = new TempFolder();
        Directory.CreateDirectory(folder.PathOf("old"));
        var path = folder.PathOf("app.log");
        File.WriteAllText(path, "");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, new Dictionary<string, string?>
        {
            ["TailHub:Sources:0:RotatedFiles"] = folder.PathOf("old/app.log-*"),
            ["TailHub:BacklogLines"] = "3",
            ["TailHub:RotatedFileGrace"] = "00:00:00",
        }, folder);
        var writer = new LogWriter(path);
        var lastId = await server.PositionAfterWatchingAsync("app", 1, () => writer.WriteLine("seen"));
        for (var i = 1; i <= 20; i++) writer.WriteLine($"old {i}");
        writer.Dispose();
        await server.WaitForPublishedAsync("app", 22);

        // logrotate with olddir (and compress): the file moves, a new one is created, the moved one is compressed.
        var rotated = folder.PathOf("old/app.log-20240101");
        await using (var live = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0"))
        {
            File.Move(path, rotated);
            File.WriteAllText(path, "new 1\n");
            var seenLive = await live.ReadUntilLinesAsync("app", 1);
            Assert.Contains(seenLive, e => e.Type == "rotated");
            Assert.DoesNotContain(seenLive, e => e.Type == "status" && e.Json.GetProperty("kind").GetString() == "deleted");
        }
        if (compressed)
        {
            using (var output = File.Create(rotated + ".gz"))
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            using (var input = File.OpenRead(rotated))
                input.CopyTo(gzip);
            File.Delete(rotated);
        }

        await using var resumed = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app", lastId);

        var events = await resumed.ReadUntilLinesAsync("app", 21);
        Assert.DoesNotContain(events, e => e.Type == "gap");
        Assert.Equal([.. Enumerable.Range(1, 20).Select(i => $"old {i}"), "new 1"], TextsOf(events));
    }
}
