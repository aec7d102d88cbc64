using System.Net;
using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary>
/// Pushed lines live in the source's spool under the data directory: the real TailHub stopped and started again on
/// the same directory gives a returning viewer exactly what it missed, and the pushed stream's offset where it was.
/// </summary>
public sealed class PushRestartTests : IDisposable
{
    private static readonly string[] PushSource = ["--TailHub:Sources:0:Name=build", "--TailHub:Sources:0:Type=push"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<TailHubProcess> StartAsync() => TailHubProcess.StartAsync(_folder, PushSource);

    private static async Task PushAsync(TailHubProcess tailhub, string body, long? offset = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/sources/build/lines") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (offset is not null) request.Headers.Add("Upload-Offset", offset.ToString());
        using var response = await tailhub.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<long> HeadOffsetAsync(TailHubProcess tailhub)
    {
        using var response = await tailhub.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/sources/build/lines"));
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    /// <summary>Watches while <paramref name="body"/> is pushed; returns the viewer's Last-Event-ID once it has <paramref name="lines"/> lines.</summary>
    private static async Task<string> WatchAsync(TailHubProcess tailhub, string body, int lines)
    {
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build&backlog=0");
        await PushAsync(tailhub, body);
        await viewer.ReadLinesAsync("build", lines);
        return viewer.LastEventId!;
    }

    private static async Task<List<(long Seq, string? Text)>> ResumeAsync(TailHubProcess tailhub, string lastEventId, int lines)
    {
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build", lastEventId);
        return [.. (await viewer.ReadLinesAsync("build", lines)).Select(l => (l.GetProperty("seq").GetInt64(), l.GetProperty("text").GetString()))];
    }

    [Fact]
    public async Task A_viewer_resuming_after_a_restart_gets_exactly_the_lines_it_missed()
    {
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "seen 1\nseen 2\nseen 3\n", 3);
            await PushAsync(before, "missed 1\nmissed 2\n");
            Assert.Equal(0, await before.StopAsync());
        }
        await using var after = await StartAsync();
        await PushAsync(after, "after 1\n");

        var resumed = await ResumeAsync(after, cursor, 3);

        // Lines 4 and 5 are in no one's memory any more: they are read back from the spool.
        Assert.Equal([(4L, "missed 1"), (5L, "missed 2"), (6L, "after 1")], resumed);
    }

    [Fact]
    public async Task Head_answers_the_same_offset_after_a_restart()
    {
        await using (var before = await StartAsync())
        {
            await PushAsync(before, "one\ntwo\n");
            Assert.Equal(0, await before.StopAsync());
        }
        await using var after = await StartAsync();

        Assert.Equal("one\ntwo\n".Length, await HeadOffsetAsync(after));
    }

    [Fact]
    public async Task A_partial_line_held_when_TailHub_stops_is_kept_as_a_line()
    {
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "one\nunfinished", 1);
            Assert.Equal(0, await before.StopAsync());
        }
        await using var after = await StartAsync();

        var resumed = await ResumeAsync(after, cursor, 1);

        Assert.Equal([(2L, "unfinished")], resumed);
        Assert.Equal("one\nunfinished".Length, await HeadOffsetAsync(after));
    }

    [Fact]
    public async Task After_a_crash_head_answers_the_end_of_the_last_complete_line_and_a_retry_from_there_repeats_nothing()
    {
        string cursor;
        await using (var before = await StartAsync())
        {
            cursor = await WatchAsync(before, "one\ntwo\nthr", 2);
            await before.KillAsync();
        }
        await using var after = await StartAsync();

        // The held "thr" was in memory only; the client sends again from where the source says it ends.
        var offset = await HeadOffsetAsync(after);
        await PushAsync(after, "three\nfour\n", offset);
        var resumed = await ResumeAsync(after, cursor, 2);

        Assert.Equal("one\ntwo\n".Length, offset);
        Assert.Equal([(3L, "three"), (4L, "four")], resumed);
    }
}
