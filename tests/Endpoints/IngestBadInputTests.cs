using System.Net;
using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary>Pushing lines wrongly gets a 4xx with a problem+json body saying what to fix, and loses nothing already sent.</summary>
public sealed class IngestBadInputTests : IAsyncLifetime
{
    private TailHubServer _server = null!;

    public async Task InitializeAsync()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        _server = await TailHubServer.StartWithPushAsync("build", files: new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private Task<HttpResponseMessage> PostAsync(string source, string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return _server.Client.PostAsync($"/api/sources/{source}/lines", content);
    }

    private async Task<long> PublishedAsync() => (await _server.SourceAsync("build")).GetProperty("lastSeq").GetInt64();

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("image/png")]
    [InlineData("application/xml")]
    public async Task A_body_of_another_content_type_gets_415_and_nothing_is_published(string contentType)
    {
        using var response = await PostAsync("build", "line\n", contentType);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/x-ndjson", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await PublishedAsync());
    }

    [Theory]
    [InlineData("""{"lines": ["a", "b"]""")]
    [InlineData("""not json""")]
    [InlineData("""{"lines": [1]}""")]
    [InlineData("""{"lines": ["a", {"text": 5}]}""")]
    [InlineData("""{"line": "a", "level": "loud"}""")]
    [InlineData("""{"line": "a", "ts": "yesterday"}""")]
    [InlineData("""{"message": "a"}""")]
    public async Task Malformed_json_gets_400_and_nothing_is_published(string body)
    {
        using var response = await PostAsync("build", body, "application/json");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, await PublishedAsync());
    }

    [Fact]
    public async Task A_bad_ndjson_record_gets_400_naming_it_and_the_records_before_it_are_kept()
    {
        await using var viewer = await SseTestClient.ConnectAsync(_server.BaseAddress, "/api/stream?sources=build&backlog=0");

        using var response = await PostAsync("build", "{\"line\": \"one\"}\n{\"line\": \"two\"}\n{\"line\": \"three\"\n{\"line\": \"four\"}\n", "application/x-ndjson");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("record 3", problem.GetProperty("detail").GetString());
        var lines = await viewer.ReadLinesAsync("build", 2);
        Assert.Equal(["one", "two"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(2, await PublishedAsync());
    }

    [Fact]
    public async Task A_json_body_over_16_MiB_gets_413()
    {
        var body = "{\"line\": \"" + new string('x', 17 * 1024 * 1024) + "\"}";
        // As curl does for a large body: the server can refuse it before it is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sources/build/lines") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        using var response = await _server.Client.SendAsync(request);

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await PublishedAsync());
    }

    [Fact]
    public async Task An_unknown_source_gets_404()
    {
        using var response = await PostAsync("nope", "line\n", null);

        await ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_file_source_gets_409()
    {
        using var response = await PostAsync("app", "line\n", null);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("push", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("Upload-Offset", "-1")]
    [InlineData("Upload-Offset", "ten")]
    [InlineData("Content-Range", "bytes */*")]
    public async Task An_unreadable_offset_gets_400(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/sources/build/lines") { Content = new ByteArrayContent("line\n"u8.ToArray()) };
        if (header == "Content-Range") request.Content.Headers.TryAddWithoutValidation(header, value);
        else request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _server.Client.SendAsync(request);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await PublishedAsync());
    }
}
