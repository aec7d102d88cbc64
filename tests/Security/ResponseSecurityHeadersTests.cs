namespace TailHub.Tests.Security;

/// <summary>Every kind of response carries the security headers.</summary>
public sealed class ResponseSecurityHeadersTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/sources")]
    [InlineData("/api/sources/nope")]
    [InlineData("/no/such/route")]
    [InlineData("/healthz/live")]
    public async Task A_response_forbids_sniffing_framing_and_referrers(string path)
    {
        await using var server = await SecurityTestServer.StartAsync();

        using var response = await server.Client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_stream_carries_the_security_headers()
    {
        await using var server = await SecurityTestServer.StartAsync();

        using var stream = await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", stream.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
