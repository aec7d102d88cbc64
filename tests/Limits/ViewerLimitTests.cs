using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Limits;

/// <summary>Caps on concurrent viewers, globally and per client address.</summary>
public sealed class ViewerLimitTests
{
    private static async Task<TailHubServer> StartAsync(int maxViewers, int perClient)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:Limits:MaxViewers"] = $"{maxViewers}", ["TailHub:Limits:MaxViewersPerClient"] = $"{perClient}" },
            folder);
    }

    private static async Task WaitForViewersAsync(TailHubServer server, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/sources/app")).RootElement;
            if (json.GetProperty("viewers").GetInt32() == count) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"the source never had {count} viewers");
    }

    [Fact]
    public async Task A_client_over_its_cap_gets_429_with_retry_after_as_a_problem()
    {
        await using var server = await StartAsync(maxViewers: 100, perClient: 2);
        await using var first = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await using var second = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        using var third = await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), third.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task The_server_over_its_global_cap_gets_503_with_retry_after_as_a_problem()
    {
        await using var server = await StartAsync(maxViewers: 2, perClient: 10);
        await using var first = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await using var second = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        using var third = await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(third.Headers.RetryAfter);
    }

    [Fact]
    public async Task Viewers_already_connected_keep_streaming_when_another_is_refused()
    {
        await using var server = await StartAsync(maxViewers: 100, perClient: 1);
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        using var refused = await server.Client.GetAsync("/api/stream?sources=app", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        writer.WriteLine("still flowing");

        var lines = (await viewer.ReadUntilLinesAsync("app", 1)).Where(e => e.Type == "app").SelectMany(e => e.Lines);
        Assert.Equal("still flowing", Assert.Single(lines).Text);
    }

    [Fact]
    public async Task A_viewer_that_leaves_frees_its_place()
    {
        await using var server = await StartAsync(maxViewers: 100, perClient: 1);
        var first = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await WaitForViewersAsync(server, 1);
        await first.DisposeAsync();
        await WaitForViewersAsync(server, 0);

        await using var second = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");

        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);
    }
}
