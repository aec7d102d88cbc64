using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary><c>some-command | curl -T - …/api/sources/build/lines</c>: a real curl streaming into a push source while a viewer watches.</summary>
public sealed class CurlStreamingTests
{
    private static Uri Lines(TailHubServer server) => new(server.BaseAddress, "/api/sources/build/lines");

    [Fact]
    public async Task Each_line_reaches_a_viewer_while_the_upload_is_still_open()
    {
        await using var server = await TailHubServer.StartWithPushAsync("build");
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=build&backlog=0");
        await using var curl = CurlUpload.Start(Lines(server));

        await curl.WriteAsync("step 1: restore\n");
        var first = await viewer.ReadLinesAsync("build", 1);
        await curl.WriteAsync("step 2: build\n");
        var second = await viewer.ReadLinesAsync("build", 1);

        // curl's standard input is still open: the command has not ended, yet both lines are out.
        Assert.Equal("step 1: restore", Assert.Single(first).GetProperty("text").GetString());
        Assert.Equal("step 2: build", Assert.Single(second).GetProperty("text").GetString());
        await curl.FinishAsync();
    }

    [Fact]
    public async Task The_answer_gives_the_uploads_sequence_numbers_line_count_and_offset()
    {
        await using var server = await TailHubServer.StartWithPushAsync("build");
        await using (var before = CurlUpload.Start(Lines(server)))
        {
            await before.WriteAsync("earlier\n");
            await before.FinishAsync();
        }
        await using var curl = CurlUpload.Start(Lines(server));

        await curl.WriteAsync("one\n");
        await server.WaitForPublishedAsync("build", 2);
        await curl.WriteAsync("two\nthree\n");
        var answer = await curl.FinishJsonAsync();

        // The upload's lines were published in two goes; the answer covers both.
        Assert.Equal(2, answer.GetProperty("firstSeq").GetInt64());
        Assert.Equal(4, answer.GetProperty("lastSeq").GetInt64());
        Assert.Equal(3, answer.GetProperty("lines").GetInt64());
        Assert.Equal("earlier\none\ntwo\nthree\n".Length, answer.GetProperty("offset").GetInt64());
    }
}
