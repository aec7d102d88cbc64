using TailHub.Tests.Support;
using static TailHub.Tests.Security.AccessTestServer;

namespace TailHub.Tests.Limits;

/// <summary>Requests malformed or oversized at the HTTP level: a problem+json answer wherever the server lets TailHub give one.</summary>
public sealed class RejectedRequestTests
{
    private static async Task<TailHubServer> StartAsync()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, null, folder);
    }

    private static void AssertProblem(RawHttp.Answer answer, int status)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType?.Split(';')[0]);
        Assert.Contains($"\"status\":{status}", answer.Body);
    }

    [Fact]
    public async Task A_request_target_over_the_limit_is_a_414_problem()
    {
        await using var server = await StartAsync();

        var answer = await RawHttp.SendAsync(server.BaseAddress, $"GET /{new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        AssertProblem(answer, 414);
    }

    [Fact]
    public async Task Request_headers_over_the_limit_are_a_431_problem()
    {
        await using var server = await StartAsync();

        var answer = await RawHttp.SendAsync(server.BaseAddress, $"GET /api/sources HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40_000)}\r\nConnection: close\r\n\r\n");

        AssertProblem(answer, 431);
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem()
    {
        await using var server = await Security.AccessTestServer.StartAsync();

        var answer = await RawHttp.SendAsync(server.BaseAddress,
            $"POST /api/stream-tokens HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {ViewerKey}\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        AssertProblem(answer, 400);
    }
}
