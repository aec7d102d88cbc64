using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary><c>MaxLinesPerSecond</c> per writer: a request that arrives with the allowance spent gets 429, a streaming upload over it is slowed down, never cut.</summary>
public sealed class IngestRateLimitTests
{
    /// <summary>A push source <c>build</c> limited to <paramref name="linesPerSecond"/>, and an unlimited one, <c>warm</c>, that takes the first requests' start-up costs.</summary>
    private static Task<TailHubServer> StartAsync(int linesPerSecond) =>
        TailHubServer.StartWithPushAsync("build", new Dictionary<string, string?> { ["MaxLinesPerSecond"] = linesPerSecond.ToString() },
            settings: new Dictionary<string, string?> { ["TailHub:Sources:1:Name"] = "warm", ["TailHub:Sources:1:Type"] = "push" });

    private static Task<HttpResponseMessage> PostJsonAsync(TailHubServer server, string source, string json) =>
        server.Client.PostAsync($"/api/sources/{source}/lines", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
    }

    [Fact]
    public async Task A_request_arriving_with_the_writers_allowance_spent_gets_429_with_retry_after()
    {
        await using var server = await StartAsync(1);
        using (await PostJsonAsync(server, "warm", """{"line": "warm-up"}""")) { }

        using var first = await PostJsonAsync(server, "build", """{"line": "a"}""");
        using var second = await PostJsonAsync(server, "build", """{"line": "b"}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertTooManyAsync(second);
        await server.WaitForPublishedAsync("build", 1);
        Assert.Equal(1, (await server.SourceAsync("build")).GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task A_request_arriving_while_the_writers_upload_is_being_slowed_gets_429()
    {
        await using var server = await StartAsync(2);
        await using var curl = CurlUpload.Start(new Uri(server.BaseAddress, "/api/sources/build/lines"));
        await curl.WriteAsync(string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n")));
        await server.WaitForPublishedAsync("build", 2);

        using var meanwhile = await PostJsonAsync(server, "build", """{"line": "jumping the queue"}""");

        await AssertTooManyAsync(meanwhile);
        Assert.Equal(10, (await curl.FinishJsonAsync()).GetProperty("lines").GetInt64());
    }

    [Fact]
    public async Task An_upload_dropped_while_being_slowed_keeps_every_line_it_delivered()
    {
        await using var server = await StartAsync(2);
        const string body = "1\n2\n3\n4\n5\n6\n7\n8\n";
        await using (var curl = CurlUpload.Start(new Uri(server.BaseAddress, "/api/sources/build/lines")))
        {
            await curl.WriteAsync(body);
            await server.WaitForPublishedAsync("build", 2);
            await curl.KillAsync();
        }

        // The source counted every byte as accepted, so every line in them is kept, even past the writer's limit.
        await server.WaitForPublishedAsync("build", 8);
        Assert.Equal(body.Length, (await server.SourceAsync("build")).GetProperty("pushedOffset").GetInt64());
    }

    [Fact]
    public async Task A_streaming_upload_over_the_limit_is_slowed_to_it_and_delivers_every_line()
    {
        await using var server = await StartAsync(4);
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=build&backlog=0");
        await using var curl = CurlUpload.Start(new Uri(server.BaseAddress, "/api/sources/build/lines"));
        var clock = Stopwatch.StartNew();

        await curl.WriteAsync(string.Concat(Enumerable.Range(1, 12).Select(i => $"line {i}\n")));
        var answer = await curl.FinishJsonAsync();
        var events = (await viewer.ReadUntilLinesAsync("build", 12)).Where(e => e.Type == "build").ToList();

        // 4 lines at once, then 8 more at 4 a second: at least 2 s, published as the allowance comes, not all at the end.
        Assert.Equal(12, answer.GetProperty("lines").GetInt64());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"12 lines at 4 lines/s took {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.True(events.Count >= 5, $"the 12 lines came in {events.Count} events");
    }
}
