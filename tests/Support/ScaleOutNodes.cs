using System.Net;
using System.Text.Json;

namespace TailHub.Tests.Support;

/// <summary>Agents and hubs, each the real composition (<see cref="Program.Build"/>) on a loopback port, sharing one <see cref="RedisServer"/>.</summary>
public static class ScaleOutNodes
{
    public const string ClusterKeyEnv = "TAILHUB_TEST_CLUSTER_KEY";
    public const string ClusterKey = "test-cluster-key-0123456789abcdef-0123456789";

    static ScaleOutNodes() => Environment.SetEnvironmentVariable(ClusterKeyEnv, ClusterKey);

    public static Dictionary<string, string?> Settings(RedisServer redis, string role, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TailHub:Role"] = role,
            ["TailHub:Redis"] = redis.Configuration,
            ["TailHub:ClusterKeyEnv"] = ClusterKeyEnv,
        };
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    /// <summary>An agent tailing <paramref name="sources"/> (name → path in its folder) and publishing them.</summary>
    public static Task<TailHubServer> StartAgentAsync(RedisServer redis, IReadOnlyDictionary<string, string> sources,
        IReadOnlyDictionary<string, string?>? settings = null, TempFolder? folder = null) =>
        TailHubServer.StartAsync(sources, Settings(redis, "agent", settings), folder);

    /// <summary>A hub: no sources of its own, the agents' from Redis.</summary>
    public static Task<TailHubServer> StartHubAsync(RedisServer redis, IReadOnlyDictionary<string, string?>? settings = null) =>
        TailHubServer.StartAsync(new Dictionary<string, string>(), Settings(redis, "hub", settings));

    /// <summary>Waits until the hub lists <paramref name="source"/> (and <paramref name="until"/> holds for what it says).</summary>
    public static async Task<JsonElement> WaitForSourceAsync(this TailHubServer hub, string source, Func<JsonElement, bool>? until = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await hub.Client.GetAsync($"/api/sources/{source}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                last = body;
                if (until?.Invoke(body) ?? true) return body;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"hub {hub.BaseAddress} never showed source '{source}' as expected; last: {last}");
    }

    /// <summary>The lines of <paramref name="source"/> in <paramref name="events"/>, as (seq, text).</summary>
    public static List<(long Seq, string Text)> LinesOf(IEnumerable<SseEvent> events, string source) =>
        events.Where(e => e.Type == source).SelectMany(e => e.Lines).ToList();
}
