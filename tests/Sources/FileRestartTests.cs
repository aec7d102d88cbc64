using System.Net;
using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// A file source's place survives TailHub: the real process stopped, the file written, rotated or truncated
/// meanwhile, and started again on the same data directory gives a returning viewer exactly what it missed, read
/// from where the last run stopped, with a notice where the file changed under it.
/// </summary>
public sealed class FileRestartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string LogPath => _folder.PathOf("app.log");

    private Task<TailHubProcess> StartAsync(params string[] more) => TailHubProcess.StartAsync(_folder,
        ["--TailHub:Sources:0:Name=app", $"--TailHub:Sources:0:Path={LogPath}", .. more]);

    private void Append(string text) => File.AppendAllText(LogPath, text);

    /// <summary>Watches <c>app</c> until <paramref name="lines"/> lines arrived; returns the viewer's Last-Event-ID.</summary>
    private static async Task<string> WatchAsync(TailHubProcess tailhub, string query, string source, int lines)
    {
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?" + query);
        await viewer.ReadLinesAsync(source, lines);
        return viewer.LastEventId!;
    }

    private static async Task<List<SseEvent>> ResumeAsync(TailHubProcess tailhub, string query, string cursor, string source, int lines)
    {
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?" + query, cursor);
        return await viewer.ReadUntilLinesAsync(source, lines);
    }

    private static List<string> Texts(IEnumerable<SseEvent> events, string source) =>
        [.. events.Where(e => e.Type == source).SelectMany(e => e.Lines).Select(l => l.Text)];

    [Fact]
    public async Task A_viewer_resuming_after_a_restart_gets_exactly_the_lines_written_while_TailHub_was_stopped()
    {
        Append("seen 1\nseen 2\n");
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "sources=app", "app", 2);
            Append("missed while running\n");
            await WaitForLinesAsync(before, "app", 3);
            Assert.Equal(0, await before.StopAsync());
        }
        Append("missed while stopped 1\nmissed while stopped 2\n");

        await using var after = await StartAsync();
        var events = await ResumeAsync(after, "sources=app", cursor, "app", 3);

        Assert.Equal(["missed while running", "missed while stopped 1", "missed while stopped 2"], Texts(events, "app"));
        Assert.DoesNotContain(events, e => e.Type == "gap");
        var seqs = events.Where(e => e.Type == "app").SelectMany(e => e.Lines).Select(l => l.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.True(seqs[0] > long.Parse(cursor[(cursor.LastIndexOf('=') + 1)..]), $"{seqs[0]} follows the cursor {cursor}");
    }

    [Fact]
    public async Task A_file_rotated_while_TailHub_was_stopped_is_finished_before_the_new_one_is_read()
    {
        Append("seen\n");
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "sources=app", "app", 1);
            Assert.Equal(0, await before.StopAsync());
        }
        Append("end of the old file\n");
        File.Move(LogPath, LogPath + ".1");
        Append("start of the new file\n");

        await using var after = await StartAsync();
        var events = await ResumeAsync(after, "sources=app", cursor, "app", 2);

        Assert.Equal(["end of the old file", "start of the new file"], Texts(events, "app"));
        Assert.DoesNotContain(events, e => e.Type == "gap");
    }

    [Fact]
    public async Task A_file_truncated_while_TailHub_was_stopped_is_said_and_read_from_its_start()
    {
        Append("seen, a long first line so that the file shrinks when it is truncated\n");
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "sources=app", "app", 1);
            Assert.Equal(0, await before.StopAsync());
        }
        File.WriteAllText(LogPath, "after truncation\n");

        await using var after = await StartAsync();
        var events = await ResumeAsync(after, "sources=app", cursor, "app", 1);

        Assert.Contains(events, e => e.Type == "truncated");
        Assert.Equal(["after truncation"], Texts(events, "app"));
    }

    [Fact]
    public async Task One_cursor_resumes_a_file_source_and_a_push_source_together_after_a_restart()
    {
        string[] push = ["--TailHub:Sources:1:Name=build", "--TailHub:Sources:1:Type=push"];
        Append("file seen\n");
        string cursor;
        await using (var before = await StartAsync(push))
        {
            await using var viewer = await SseTestClient.ConnectAsync(before.BaseAddress, "/api/stream?sources=app,build");
            await viewer.ReadLinesAsync("app", 1);
            await PushAsync(before, "pushed seen\n");
            await viewer.ReadLinesAsync("build", 1);
            cursor = viewer.LastEventId!;
            await PushAsync(before, "pushed missed\n");
            Assert.Equal(0, await before.StopAsync());
        }
        Append("file missed\n");

        await using var after = await StartAsync(push);
        await PushAsync(after, "pushed after\n");
        await using var resumed = await SseTestClient.ConnectAsync(after.BaseAddress, "/api/stream?sources=app,build", cursor);
        var events = await resumed.ReadUntilLinesAsync("build", 2);
        events.AddRange(Texts(events, "app").Count == 0 ? await resumed.ReadUntilLinesAsync("app", 1) : []);

        Assert.Equal(["file missed"], Texts(events, "app"));
        Assert.Equal(["pushed missed", "pushed after"], Texts(events, "build"));
        Assert.DoesNotContain(events, e => e.Type == "gap");
    }

    private static async Task PushAsync(TailHubProcess tailhub, string body)
    {
        using var response = await tailhub.Client.PutAsync("/api/sources/build/lines", new ByteArrayContent(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Waits until a viewer from the start sees <paramref name="count"/> lines (the checkpoint then holds them).</summary>
    private static async Task WaitForLinesAsync(TailHubProcess tailhub, string source, int count)
    {
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, $"/api/stream?sources={source}");
        await viewer.ReadLinesAsync(source, count);
    }
}
