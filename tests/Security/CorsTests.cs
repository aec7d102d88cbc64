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
}
