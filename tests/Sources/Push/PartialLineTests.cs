using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary>
/// An upload that ends inside a line leaves that partial line held, and the next upload to the source continues it:
/// a line is never shown split in two, and a dropped connection loses none of the lines it completed.
/// </summary>
public sealed class PartialLineTests : IAsyncLifetime
{
    private TailHubServer _server = null!;
    private SseTestClient _viewer = null!;

    public async Task InitializeAsync()
    {
        _server = await TailHubServer.StartWithPushAsync("build");
        _viewer = await SseTestClient.ConnectAsync(_server.BaseAddress, "/api/stream?sources=build&backlog=0");
    }

    public async Task DisposeAsync()
    {
        await _viewer.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<JsonElement> PutAsync(string body, long? offset = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/sources/build/lines") { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) };
        if (offset is not null) request.Headers.Add("Upload-Offset", offset.ToString());
        using var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<List<string?>> TextsAsync(int count) =>
        [.. (await _viewer.ReadLinesAsync("build", count)).Select(l => l.GetProperty("text").GetString())];

    /// <summary>Until no upload is in progress: the server has seen every connection end.</summary>
    private async Task WaitUntilNoUploadAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await _server.SourceAsync("build")).GetProperty("state").GetString() != "waiting")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("an upload is still in progress");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_partial_line_at_the_end_of_an_upload_waits_and_is_continued_by_the_next_upload()
    {
        var first = await PutAsync("one\ntw");
        var second = await PutAsync("o\nthree\n");

        Assert.Equal(1, first.GetProperty("lines").GetInt64());
        Assert.Equal(1, first.GetProperty("lastSeq").GetInt64());
        Assert.Equal(["one", "two", "three"], await TextsAsync(3));
        Assert.Equal(2, second.GetProperty("lines").GetInt64());
        Assert.Equal("one\ntwo\nthree\n".Length, second.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task The_offset_counts_a_held_partial_line_so_a_retry_from_head_continues_it()
    {
        await PutAsync("one\ntw");

        using var head = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/sources/build/lines"));
        var offset = long.Parse(head.Headers.GetValues("Upload-Offset").Single());
        await PutAsync("two\nthree\n", offset - 2);

        Assert.Equal("one\ntw".Length, offset);
        Assert.Equal(["one", "two", "three"], await TextsAsync(3));
    }

    [Fact]
    public async Task A_dropped_upload_keeps_its_complete_lines_and_its_partial_line_is_continued_by_the_retry()
    {
        await using (var curl = CurlUpload.Start(new Uri(_server.BaseAddress, "/api/sources/build/lines")))
        {
            await curl.WriteAsync("one\ntwo\nthr");
            Assert.Equal(["one", "two"], await TextsAsync(2));
            await curl.KillAsync();
        }
        await WaitUntilNoUploadAsync();

        var retry = await PutAsync("three\nfour\n", "one\ntwo\n".Length);

        Assert.Equal(["three", "four"], await TextsAsync(2));
        Assert.Equal(2, retry.GetProperty("lines").GetInt64());
        Assert.Equal(4, (await _server.SourceAsync("build")).GetProperty("lastSeq").GetInt64());
    }
}
