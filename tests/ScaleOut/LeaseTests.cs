using System.Text.Json;
using TailHub.ScaleOut;
using TailHub.Tests.Support;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.ScaleOut;

/// <summary>Two agents never publish the same source: the second is refused, says so, and its lines go nowhere.</summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_second_agent_claiming_a_published_source_is_refused_with_the_owners_name()
    {
        await using var first = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" });
        await using var hub = await StartHubAsync(_redis);
        var owner = (await hub.WaitForSourceAsync("app")).GetProperty("agent").GetString()!;
        await using var second = await StartAgentAsync(_redis, new Dictionary<string, string> { ["app"] = "app.log" });

        var refusal = await WaitForReadyAsync(second, body => body.Contains("holds its lease"));
        using (var log = new LogWriter(second.Folder.PathOf("app.log")))
        {
            log.WriteLine("from the second agent");
        }
        using (var log = new LogWriter(first.Folder.PathOf("app.log")))
        {
            log.WriteLine("from the first agent");
        }
        await using var viewer = await SseTestClient.ConnectAsync(hub.BaseAddress, "/api/stream?sources=app&backlog=10");
        var events = await viewer.ReadUntilLinesAsync("app", 1);

        var check = refusal.GetProperty("checks").GetProperty("redis");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains($"agent {owner} holds its lease", check.GetProperty("data").GetProperty("app").GetString());
        Assert.Equal(["from the first agent"], LinesOf(events, "app").Select(l => l.Text));
        Assert.Equal(owner, (await hub.SourceAsync("app")).GetProperty("agent").GetString());
    }

    private static async Task<JsonElement> WaitForReadyAsync(TailHubServer agent, Func<string, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var body = "";
        while (DateTime.UtcNow < deadline)
        {
            body = await (await agent.Client.GetAsync("/healthz/ready")).Content.ReadAsStringAsync();
            if (until(body)) return JsonDocument.Parse(body).RootElement;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the agent's readiness never said so: {body}");
    }
}
