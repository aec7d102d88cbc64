using System.Net;
using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary>
/// A push source's stream is counted in bytes: an upload may say where its body starts, <c>HEAD</c> says where the
/// stream ends, and a retried upload neither repeats a line nor leaves a hole.
/// </summary>
public sealed class RetriedUploadTests : IAsyncLifetime
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

    private async Task<HttpResponseMessage> PutAsync(string body, string? header = null, string? value = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/sources/build/lines") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (header == "Content-Range") request.Content.Headers.TryAddWithoutValidation(header, value);
        else if (header is not null) request.Headers.TryAddWithoutValidation(header, value);
        return await _server.Client.SendAsync(request);
    }

    private async Task<long> HeadOffsetAsync()
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/sources/build/lines"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(Assert.Single(response.Headers.GetValues("Upload-Offset")));
    }

    private async Task<List<string?>> TextsAsync(int count) =>
        [.. (await _viewer.ReadLinesAsync("build", count)).Select(l => l.GetProperty("text").GetString())];

    [Fact]
    public async Task Head_answers_where_the_pushed_stream_ends()
    {
        Assert.Equal(0, await HeadOffsetAsync());
        using (await PutAsync("alpha\nbeta\n")) { }

        Assert.Equal("alpha\nbeta\n".Length, await HeadOffsetAsync());
    }

    [Fact]
    public async Task A_retry_that_overlaps_what_the_source_has_skips_those_bytes()
    {
        using (await PutAsync("one\ntwo\n")) { }

        // The client never saw the answer and sends everything again, from byte 4 ("two\n" onwards) plus more.
        using var retry = await PutAsync("two\nthree\n", "Upload-Offset", "4");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(["one", "two", "three"], await TextsAsync(3));
        var answer = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, answer.GetProperty("lines").GetInt64());
        Assert.Equal("one\ntwo\nthree\n".Length, answer.GetProperty("offset").GetInt64());
        Assert.Equal(3, (await _server.SourceAsync("build")).GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task A_retry_of_bytes_the_source_already_has_adds_nothing()
    {
        using (await PutAsync("one\ntwo\n")) { }

        using var retry = await PutAsync("one\ntwo\n", "Upload-Offset", "0");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var answer = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, answer.GetProperty("lines").GetInt64());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("firstSeq").ValueKind);
        // A line pushed after the retry is the viewer's third: the retry published nothing in between.
        using (await PutAsync("three\n")) { }
        Assert.Equal(["one", "two", "three"], await TextsAsync(3));
    }

    [Fact]
    public async Task An_upload_that_would_leave_a_hole_gets_416_with_the_offset_to_send_from()
    {
        using (await PutAsync("one\n")) { }

        using var response = await PutAsync("three\n", "Upload-Offset", "10");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("4", Assert.Single(response.Headers.GetValues("Upload-Offset")));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(416, problem.GetProperty("status").GetInt32());
        Assert.Equal(4, problem.GetProperty("offset").GetInt64());
        using (await PutAsync("two\n")) { }
        Assert.Equal(["one", "two"], await TextsAsync(2));
    }

    [Theory]
    [InlineData("bytes 4-13/*")]
    [InlineData("4-13")]
    public async Task Content_range_says_where_the_body_starts_as_upload_offset_does(string range)
    {
        using (await PutAsync("one\ntwo\n")) { }

        using var retry = await PutAsync("two\nthree\n", "Content-Range", range);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(["one", "two", "three"], await TextsAsync(3));
    }

    [Fact]
    public async Task A_content_range_past_the_end_gets_416()
    {
        using (await PutAsync("one\n")) { }

        using var response = await PutAsync("x\n", "Content-Range", "bytes 9-10/*");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("4", Assert.Single(response.Headers.GetValues("Upload-Offset")));
    }
}
