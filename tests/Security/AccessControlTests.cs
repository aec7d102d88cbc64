using System.Net;
using System.Text.Json;
using static TailHub.Tests.Security.AccessTestServer;

namespace TailHub.Tests.Security;

/// <summary>Every role against every endpoint, with access control on.</summary>
public sealed class AccessControlTests
{
    private static StringContent EmptyJson() => new("", System.Text.Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("GET", "/api/sources")]
    [InlineData("GET", "/api/sources/app")]
    [InlineData("GET", "/api/stream?sources=app")]
    [InlineData("POST", "/api/sources/app/builds")]
    [InlineData("POST", "/api/stream-tokens")]
    [InlineData("GET", "/metrics")]
    public async Task A_request_without_a_key_is_a_401_problem(string method, string path)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(new HttpMethod(method), path, key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task An_unknown_key_is_a_401_problem_that_does_not_echo_it()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/api/sources", "not-a-configured-key-5531");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("5531", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ViewerKey)]
    [InlineData(OperatorKey)]
    [InlineData(AdminKey)]
    [InlineData(EnvOperatorKey)]
    public async Task Every_role_reads_the_sources(string key)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/api/sources", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_viewer_opens_a_stream_with_a_bearer_key()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/api/stream?sources=app", ViewerKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_viewer_may_not_trigger_a_build()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/sources/app/builds", ViewerKey, EmptyJson());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(OperatorKey)]
    [InlineData(EnvOperatorKey)]
    [InlineData(AdminKey)]
    public async Task An_operator_or_admin_gets_past_authorization_to_trigger_a_build(string key)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Post, "/api/sources/app/builds", key, EmptyJson());

        // Past authorization, the endpoint itself answers: 'app' is a file source, which runs no builds.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("only jenkins sources run builds", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ViewerKey)]
    [InlineData(OperatorKey)]
    public async Task Metrics_are_for_admins_only(string key)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/metrics", key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_admin_reads_the_metrics()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/metrics", AdminKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/")]
    public async Task Health_checks_and_the_page_need_no_key(string path)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, path, key: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_key_restricted_to_a_source_lists_only_that_source()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, "/api/sources", AppOnlyKey);

        var names = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(s => s.GetProperty("name").GetString());
        Assert.Equal(["app"], names);
    }

    [Theory]
    [InlineData("/api/sources/other")]
    [InlineData("/api/stream?sources=other")]
    [InlineData("/api/stream?sources=app,other")]
    public async Task A_key_restricted_to_a_source_is_refused_any_other_source(string path)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, path, AppOnlyKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("api_key")]
    [InlineData("key")]
    public async Task A_raw_key_in_the_url_is_not_accepted(string parameter)
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync(HttpMethod.Get, $"/api/stream?sources=app&{parameter}={ViewerKey}", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_key_restricted_to_a_source_streams_only_that_source_when_it_names_none()
    {
        await using var server = await StartAsync();
        using var writer = new Support.LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await Support.SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream", bearer: AppOnlyKey);

        writer.WriteLine("for app only");
        await viewer.ReadUntilLinesAsync("app", 1);

        // The cursor names every source the stream follows.
        Assert.DoesNotContain("other@", viewer.LastEventId);
        Assert.Contains("app@", viewer.LastEventId);
    }

    [Fact]
    public async Task An_unrestricted_key_streams_every_source_when_it_names_none()
    {
        await using var server = await StartAsync();
        using var writer = new Support.LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await Support.SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream", bearer: ViewerKey);

        writer.WriteLine("for everyone");
        await viewer.ReadUntilLinesAsync("app", 1);

        Assert.Contains("other@", viewer.LastEventId);
    }
}
