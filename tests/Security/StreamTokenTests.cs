using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TailHub.Tests.Support;
using static TailHub.Tests.Security.AccessTestServer;

namespace TailHub.Tests.Security;

/// <summary>POST /api/stream-tokens and streams opened with ?token=, over HTTP.</summary>
public sealed class StreamTokenTests
{
    private static async Task<JsonElement> IssueAsync(TailHubServer server, string key, object? body = null)
    {
        using var response = await server.SendAsync(HttpMethod.Post, "/api/stream-tokens", key, body is null ? null : JsonContent.Create(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task A_stream_opened_with_a_token_receives_lines()
    {
        await using var server = await StartAsync();
        var token = await IssueAsync(server, ViewerKey, new { sources = new[] { "app" } });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, token.GetProperty("streamUrl").GetString()!);
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);

        writer.WriteLine("seen through a token");

        var lines = (await viewer.ReadUntilLinesAsync("app", 1)).Where(e => e.Type == "app").SelectMany(e => e.Lines);
        Assert.Equal("seen through a token", Assert.Single(lines).Text);
    }

    [Fact]
    public async Task A_token_names_only_the_sources_asked_for()
    {
        await using var server = await StartAsync();

        var token = await IssueAsync(server, ViewerKey, new { sources = new[] { "app" } });

        Assert.Equal(["app"], token.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_token_does_not_open_a_source_it_was_not_issued_for()
    {
        await using var server = await StartAsync();
        var token = await IssueAsync(server, ViewerKey, new { sources = new[] { "app" } });

        using var response = await server.SendAsync(HttpMethod.Get, $"/api/stream?sources=other&token={Uri.EscapeDataString(token.GetProperty("token").GetString()!)}", key: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_restricted_key_cannot_get_a_token_for_another_source()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/stream-tokens?sources=other", AppOnlyKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_restricted_key_gets_a_token_for_its_own_sources_when_it_names_none()
    {
        await using var server = await StartAsync();

        var token = await IssueAsync(server, AppOnlyKey);

        Assert.Equal(["app"], token.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_token_is_not_accepted_anywhere_but_the_stream()
    {
        await using var server = await StartAsync();
        var token = Uri.EscapeDataString((await IssueAsync(server, ViewerKey)).GetProperty("token").GetString()!);

        using var response = await server.SendAsync(HttpMethod.Get, $"/api/sources?token={token}", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_tampered_token_is_a_401_problem()
    {
        await using var server = await StartAsync();
        var token = (await IssueAsync(server, AppOnlyKey)).GetProperty("token").GetString()!;
        // Widen the grant: the payload claims every source, with the original signature.
        var forged = System.Buffers.Text.Base64Url.EncodeToString("{\"Kid\":\"app-only\",\"Src\":null,\"Exp\":99999999999}"u8) + token[token.IndexOf('.')..];

        using var response = await server.SendAsync(HttpMethod.Get, $"/api/stream?sources=other&token={Uri.EscapeDataString(forged)}", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tokens_are_issued_only_for_a_bearer_key()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/stream-tokens", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task With_access_control_off_asking_for_a_token_is_a_400_problem()
    {
        await using var server = await SecurityTestServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/stream-tokens", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"sources\":[null]}")]
    [InlineData("{\"sources\":[\"app\",null]}")]
    [InlineData("{\"sources\":[\"\"]}")]
    [InlineData("{\"sources\":[\"  \"]}")]
    [InlineData("{\"sources\":\"app\"}")]
    [InlineData("{\"sources\":[1]}")]
    [InlineData("[\"app\"]")]
    [InlineData("not json")]
    public async Task A_malformed_body_is_a_400_problem(string body)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/stream-tokens", ViewerKey, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("sources", problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task A_token_asked_for_no_source_in_particular_opens_every_source_of_its_key()
    {
        await using var server = await StartAsync();
        var token = await IssueAsync(server, ViewerKey);
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, token.GetProperty("streamUrl").GetString()!);

        writer.WriteLine("everything");
        await viewer.ReadUntilLinesAsync("app", 1);

        Assert.Equal(["app", "other"], token.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains("other@", viewer.LastEventId);
    }
}
