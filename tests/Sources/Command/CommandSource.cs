using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Command;

/// <summary>A real TailHub with one command source named <see cref="Name"/>, running a script written into the test's folder.</summary>
public sealed class CommandSource : IAsyncDisposable
{
    public const string Name = "job";

    private CommandSource(TailHubServer server)
    {
        Server = server;
        Runs = new RunsClient(server.Client);
    }

    public TailHubServer Server { get; }
    public RunsClient Runs { get; }

    /// <summary>Starts TailHub with <c>job</c> running <paramref name="script"/> (a /bin/sh body), plus <paramref name="settings"/> of the source (without the prefix).</summary>
    public static async Task<CommandSource> StartAsync(string script, Dictionary<string, string?>? settings = null, TempFolder? folder = null, string? dataDirectory = null)
    {
        folder ??= new TempFolder();
        var all = new Dictionary<string, string?>
        {
            ["TailHub:Sources:0:Name"] = Name,
            ["TailHub:Sources:0:Type"] = "command",
            ["TailHub:Sources:0:Command:0"] = Scripts.Write(folder, "job.sh", script),
            ["TailHub:Sources:0:WorkingDirectory"] = folder.Path,
        };
        if (dataDirectory is not null) all["TailHub:DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings ?? []) all[key.StartsWith("TailHub:", StringComparison.Ordinal) ? key : $"TailHub:Sources:0:{key}"] = value;
        return new CommandSource(await TailHubServer.StartAsync(new Dictionary<string, string>(), all, folder));
    }

    public Task<SseTestClient> WatchAsync(string query = "backlog=0", string? lastEventId = null) =>
        SseTestClient.ConnectAsync(Server.BaseAddress, $"/api/stream?sources={Name}&{query}", lastEventId);

    /// <summary>The lines of <c>job</c> in <paramref name="events"/>: text and stream (stdout unless tagged).</summary>
    public static List<(string Text, string Stream)> LinesOf(IEnumerable<SseEvent> events) =>
        events.Where(e => e.Type == Name)
            .SelectMany(e => e.Json.GetProperty("lines").EnumerateArray())
            .Select(l => (l.GetProperty("text").GetString()!, l.TryGetProperty("stream", out var s) ? s.GetString()! : "stdout"))
            .ToList();

    /// <summary>The run notices in <paramref name="events"/>: (run number, state).</summary>
    public static List<(int Number, string State)> RunNoticesOf(IEnumerable<SseEvent> events) =>
        events.Where(e => e.Type == "status" && e.Json.TryGetProperty("run", out _))
            .Select(e => e.Json.GetProperty("run"))
            .Select(r => (r.GetProperty("number").GetInt32(), r.GetProperty("state").GetString()!))
            .ToList();

    /// <summary>Reads events until run <paramref name="number"/>'s end notice arrives.</summary>
    public static async Task<List<SseEvent>> ReadUntilRunEndsAsync(SseTestClient viewer, int number, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"run #{number} did not end");
            var e = await viewer.NextAsync(left);
            events.Add(e);
            if (e.Type == "status" && e.Json.TryGetProperty("run", out var run) && run.GetProperty("number").GetInt32() == number
                && run.GetProperty("state").GetString() is not ("running" or "queued"))
                return events;
        }
    }

    public static string State(JsonElement run) => run.GetProperty("state").GetString()!;

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
