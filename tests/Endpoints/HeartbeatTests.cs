using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

public sealed class HeartbeatTests
{
    [Fact]
    public async Task An_idle_stream_gets_a_comment_to_keep_proxies_from_closing_it()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:HeartbeatInterval"] = "00:00:01" },
            folder);

        // Raw bytes: an SSE parser hides comments, which is what a heartbeat is.
        using var response = await server.Client.GetAsync("/api/stream?sources=app&backlog=0", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.ToString().Contains(": keep-alive\n"))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, n);
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.StartsWith("retry: 1000\n", received.ToString());
    }
}
