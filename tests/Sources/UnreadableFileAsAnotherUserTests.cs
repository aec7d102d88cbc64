using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// A mode-000 file in the shipped layout (<c>logs/*.log</c>, with TailHub's own <c>logs/tailhub.log</c> among them), read
/// by a real TailHub process that is not root: one event and one log line, not a loop; the file's error in
/// <c>/api/sources</c> and readiness degraded; and its recovery once it can be read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnreadableFileAsAnotherUserTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Logs(string name) => Path.Combine(_folder.PathOf("logs"), name);

    private static bool IsErrorAbout(SseEvent e, string path) =>
        e.Type == "status" && e.Json.GetProperty("state").GetString() == "error" && e.Json.GetProperty("path").GetString() == path;

    private static async Task<JsonElement> WhenAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: last seen {value}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task An_unreadable_file_costs_one_event_and_one_log_line_and_shows_in_sources_and_health_until_it_can_be_read()
    {
        Directory.CreateDirectory(_folder.PathOf("logs"));
        TailHubAsOtherUser.GiveToTailHub(_folder.PathOf("logs"));
        // TailHub keeps each source's state under its data directory, which its user must be able to write.
        Directory.CreateDirectory(_folder.PathOf("data"));
        TailHubAsOtherUser.GiveToTailHub(_folder.PathOf("data"));
        var secret = Logs("secret.log");
        File.WriteAllText(secret, "kept from view\n");
        File.SetUnixFileMode(secret, UnixFileMode.None);
        File.WriteAllText(Logs("app.log"), "");
        await using var tailhub = await TailHubAsOtherUser.StartAsync(_folder.Path,
            "--source", "logs=logs/*.log", "--TailHub:LogFile=logs/tailhub.log", "--TailHub:PollInterval=00:00:00.100", "--TailHub:InitialLines=0");
        async Task<JsonElement> Source() => JsonDocument.Parse(await tailhub.Client.GetStringAsync("/api/sources/logs")).RootElement;
        async Task<JsonElement> Ready() => JsonDocument.Parse(await tailhub.Client.GetStringAsync("/healthz/ready")).RootElement;
        static JsonElement? FileIn(JsonElement source, string path) =>
            source.GetProperty("files").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(f => f!.Value.GetProperty("path").GetString() == path);

        var source = await WhenAsync(Source, s => FileIn(s, secret)?.TryGetProperty("error", out _) == true, "the file's error in /api/sources");
        Assert.Equal("following", source.GetProperty("state").GetString());
        Assert.Contains("denied", FileIn(source, secret)!.Value.GetProperty("error").GetString());
        using (var ready = await tailhub.Client.GetAsync("/healthz/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        // Every write wakes the tailer, and so does its own log line; 200 looks later the error was still said once.
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=logs&backlog=1000");
        for (var i = 1; i <= 200; i++) File.AppendAllText(Logs("app.log"), $"line {i}\n");
        var events = new List<SseEvent>();
        while (!events.SelectMany(e => e.Type == "logs" ? e.Lines : []).Any(l => l.Text == "line 200")) events.Add(await viewer.NextAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(events, e => IsErrorAbout(e, secret));
        Assert.Single(File.ReadAllLines(Logs("tailhub.log")), l => l.Contains("WARN") && l.Contains("secret.log"));

        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        while (!events.SelectMany(e => e.Type == "logs" ? e.Lines : []).Any(l => l.Text == "kept from view")) events.Add(await viewer.NextAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(events, e => e.Type == "status" && e.Json.GetProperty("path").GetString() == secret && e.Json.GetProperty("message").GetString()!.Contains("again"));
        await WhenAsync(Ready, r => r.GetProperty("status").GetString() == "Healthy", "readiness healthy again");
        source = await Source();
        Assert.False(FileIn(source, secret)!.Value.TryGetProperty("error", out _));
        Assert.Single(events, e => IsErrorAbout(e, secret));
    }
}
