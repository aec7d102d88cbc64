using System.Net;

namespace TailHub.Tests.Security;

/// <summary>
/// X-Forwarded-For decides which client a request is counted against (per-client viewer cap of 1 here): it is
/// believed from configured proxies only.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream?sources=app") { Headers = { { "X-Forwarded-For", forwardedFor } } };
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [Fact]
    public async Task Forwarded_for_from_a_known_proxy_is_the_client_address()
    {
        await using var server = await SecurityTestServer.StartAsync(new()
        {
            ["TailHub:Security:KnownProxies:0"] = "127.0.0.1",
            ["TailHub:Limits:MaxViewersPerClient"] = "1",
        });

        using var first = await OpenStreamAsync(server.Client, "203.0.113.7");
        using var second = await OpenStreamAsync(server.Client, "203.0.113.8");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_is_ignored_when_no_proxy_is_configured()
    {
        await using var server = await SecurityTestServer.StartAsync(new() { ["TailHub:Limits:MaxViewersPerClient"] = "1" });

        using var first = await OpenStreamAsync(server.Client, "203.0.113.7");
        using var second = await OpenStreamAsync(server.Client, "203.0.113.8");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_from_an_unknown_proxy_is_ignored()
    {
        await using var server = await SecurityTestServer.StartAsync(new()
        {
            ["TailHub:Security:KnownProxies:0"] = "10.9.9.9",
            ["TailHub:Limits:MaxViewersPerClient"] = "1",
        });

        using var first = await OpenStreamAsync(server.Client, "203.0.113.7");
        using var second = await OpenStreamAsync(server.Client, "203.0.113.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }
}
