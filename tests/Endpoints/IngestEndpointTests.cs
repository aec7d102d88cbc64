using System.Net;
using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary><c>PUT/POST /api/sources/{name}/lines</c> with JSON and NDJSON bodies: what a viewer receives and what the answer says.</summary>
public sealed class IngestEndpointTests : IAsyncLifetime
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

    private async Task<JsonElement> PostAsync(string body, string contentType)
    {
        using var response = await _server.Client.PostAsync("/api/sources/build/lines", new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_json_line_is_published_and_answered_with_its_sequence_number()
    {
        var answer = await PostAsync("""{"line": "deploy started"}""", "application/json");

        var line = Assert.Single(await _viewer.ReadLinesAsync("build", 1));
        Assert.Equal("deploy started", line.GetProperty("text").GetString());
        Assert.False(line.TryGetProperty("level", out _));
        Assert.Equal(1, answer.GetProperty("firstSeq").GetInt64());
        Assert.Equal(1, answer.GetProperty("lastSeq").GetInt64());
        Assert.Equal(1, answer.GetProperty("lines").GetInt64());
        Assert.Equal("deploy started\n".Length, answer.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task A_json_array_keeps_each_lines_timestamp_and_level()
    {
        var answer = await PostAsync("""
            {"lines": [
              "plain",
              {"line": "disk at 91%", "ts": 1700000000000, "level": "warn"},
              {"line": "deploy failed", "ts": "2024-01-02T03:04:05Z", "level": "ERROR"}
            ]}
            """, "application/json");

        var lines = await _viewer.ReadLinesAsync("build", 3);
        Assert.Equal(["plain", "disk at 91%", "deploy failed"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.False(lines[0].TryGetProperty("level", out _));
        Assert.Equal(1700000000000, lines[1].GetProperty("ts").GetInt64());
        Assert.Equal("warn", lines[1].GetProperty("level").GetString());
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeMilliseconds(), lines[2].GetProperty("ts").GetInt64());
        Assert.Equal("error", lines[2].GetProperty("level").GetString());
        Assert.Equal(3, answer.GetProperty("lines").GetInt64());
        Assert.Equal(3, answer.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task Ndjson_records_are_published_with_timestamps_in_milliseconds_or_iso_and_their_levels()
    {
        var answer = await PostAsync(
            "{\"line\": \"starting\", \"ts\": 1700000000123, \"level\": \"info\"}\n" +
            "{\"line\": \"slow query\", \"ts\": \"2024-05-06T07:08:09.5+02:00\", \"level\": \"warning\"}\n" +
            "\n" +
            "{\"line\": \"no level\"}\n",
            "application/x-ndjson");

        var lines = await _viewer.ReadLinesAsync("build", 3);
        Assert.Equal(["starting", "slow query", "no level"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(1700000000123, lines[0].GetProperty("ts").GetInt64());
        Assert.Equal("info", lines[0].GetProperty("level").GetString());
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 500, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds(), lines[1].GetProperty("ts").GetInt64());
        Assert.Equal("warn", lines[1].GetProperty("level").GetString());
        Assert.False(lines[2].TryGetProperty("level", out _));
        Assert.Equal(3, answer.GetProperty("lines").GetInt64());
    }

    [Fact]
    public async Task Ndjson_records_are_published_as_they_arrive()
    {
        await using var curl = CurlUpload.Start(new Uri(_server.BaseAddress, "/api/sources/build/lines"), "Content-Type: application/x-ndjson");

        await curl.WriteAsync("{\"line\": \"first\", \"level\": \"info\"}\n");
        var first = Assert.Single(await _viewer.ReadLinesAsync("build", 1));
        await curl.WriteAsync("{\"line\": \"second\"}\n");
        var answer = await curl.FinishJsonAsync();

        Assert.Equal("first", first.GetProperty("text").GetString());
        Assert.Equal(2, answer.GetProperty("lines").GetInt64());
    }

    [Fact]
    public async Task A_raw_body_sent_with_put_or_post_and_text_plain_is_published_line_by_line()
    {
        using var put = await _server.Client.PutAsync("/api/sources/build/lines", new StringContent("a\nb\n", Encoding.UTF8, "text/plain"));
        using var post = await _server.Client.PostAsync("/api/sources/build/lines", new ByteArrayContent("c\r\nd\n"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var lines = await _viewer.ReadLinesAsync("build", 4);
        Assert.Equal(["a", "b", "c", "d"], lines.Select(l => l.GetProperty("text").GetString()));
    }
}
