using TailHub.Tests.Support;

namespace TailHub.Tests.Observability;

/// <summary>Scrapes /metrics the way Prometheus would, until a series shows what a test waits for.</summary>
public static class Scrape
{
    /// <summary>Scrapes until the series has reached <paramref name="expected"/> (counters are observed, so the last scrape is the one that counts).</summary>
    public static async Task<string> UntilAsync(TailHubServer server, string name, double expected, string label = "", TimeSpan? timeout = null)
    {
        string[] labels = label.Length == 0 ? [] : [label];
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        string text;
        do
        {
            text = await server.Client.GetStringAsync("/metrics");
            if (PrometheusText.Value(text, name, labels) >= expected) return text;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);
        return text;
    }
}
