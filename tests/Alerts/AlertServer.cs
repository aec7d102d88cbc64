using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Alerts;

/// <summary>A TailHub with one file source <c>app</c> and alert settings, and what its alerts API says.</summary>
public sealed class AlertServer : IAsyncDisposable
{
    private AlertServer(TailHubServer server, LogWriter writer)
    {
        Server = server;
        Writer = writer;
    }

    public TailHubServer Server { get; }
    public LogWriter Writer { get; }

    /// <summary>Settings for one rule <paramref name="rule"/> (a Match, unless overridden) sending to one destination <c>hook</c> at <paramref name="url"/>.</summary>
    public static Dictionary<string, string?> OneRule(string url, string match = "ERROR", string cooldown = "01:00:00", string type = "webhook", bool allowPrivate = true, string rule = "errors") => new()
    {
        ["TailHub:Alerts:Rules:0:Name"] = rule,
        ["TailHub:Alerts:Rules:0:Sources:0"] = "app",
        ["TailHub:Alerts:Rules:0:Match"] = match,
        ["TailHub:Alerts:Rules:0:Cooldown"] = cooldown,
        ["TailHub:Alerts:Rules:0:Destinations:0"] = "hook",
        ["TailHub:Alerts:Destinations:0:Name"] = "hook",
        ["TailHub:Alerts:Destinations:0:Type"] = type,
        ["TailHub:Alerts:Destinations:0:Url"] = url,
        ["TailHub:Alerts:Destinations:0:AllowPrivateNetwork"] = allowPrivate ? "true" : "false",
        ["TailHub:Alerts:RetryDelay"] = "00:00:00.050",
    };

    /// <param name="existing">What <c>app.log</c> holds before TailHub starts.</param>
    public static async Task<AlertServer> StartAsync(Dictionary<string, string?> settings, string existing = "")
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), existing);
        try
        {
            var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
            // What the file holds before the tailer first opens it is history, never alerted on: a test's lines are
            // written after that open, or they would race it.
            await server.WaitForSourceAsync("app", s => s.GetProperty("files").GetArrayLength() > 0);
            return new AlertServer(server, new LogWriter(folder.PathOf("app.log")));
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary><c>GET /api/alerts</c>.</summary>
    public async Task<JsonElement> AlertsAsync() => JsonDocument.Parse(await Server.Client.GetStringAsync("/api/alerts")).RootElement;

    public async Task<JsonElement> RuleAsync(string name = "errors") =>
        (await AlertsAsync()).GetProperty("rules").EnumerateArray().First(r => r.GetProperty("name").GetString() == name);

    public async Task<JsonElement> DestinationAsync(string name = "hook") =>
        (await AlertsAsync()).GetProperty("destinations").EnumerateArray().First(d => d.GetProperty("name").GetString() == name);

    /// <summary>Polls <c>/api/alerts</c> until <paramref name="done"/> holds (15 s at most); returns the last answer.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var alerts = await AlertsAsync();
            if (done(alerts)) return alerts;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} never happened: {alerts}");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Writer.Dispose();
        await Server.DisposeAsync();
    }
}
