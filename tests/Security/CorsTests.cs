using System.Net;

namespace TailHub.Tests.Security;

/// <summary>Cross-origin access: none by default, only the configured origins otherwise.</summary>
public sealed class CorsTests
{
    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/api/sources")
    {
        Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "GET" } },
    };

    [Fact]
    public async Task Without_configured_origins_no_cross_origin_header_is_sent()
    {
        await using var server = await SecurityTestServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { { "Origin", "https://evil.example" } } };

        using var response = await server.Client.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_is_allowed()
    {
        await using var server = await SecurityTestServer.StartAsync(new() { ["TailHub:Security:CorsOrigins:0"] = "https://dash.example.com" });

        using var response = await server.Client.SendAsync(Preflight("https://dash.example.com"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://dash.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task An_origin_not_configured_is_not_allowed()
    {
        await using var server = await SecurityTestServer.StartAsync(new() { ["TailHub:Security:CorsOrigins:0"] = "https://dash.example.com" });

        using var response = await server.Client.SendAsync(Preflight("https://evil.example"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://dash.example.com")]
    [InlineData("https://evil.example")]
    [InlineData(null)]
    public async Task With_configured_origins_every_answer_varies_by_origin(string? origin)
    {
        await using var server = await SecurityTestServer.StartAsync(new() { ["TailHub:Security:CorsOrigins:0"] = "https://dash.example.com" });
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources");
        if (origin is not null) request.Headers.Add("Origin", origin);

        using var response = await server.Client.SendAsync(request);

        // A shared cache must not give one origin's answer (with or without Access-Control-Allow-Origin) to another.
        Assert.Equal(["Origin"], response.Headers.Vary);
        Assert.Equal(origin == "https://dash.example.com", response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
