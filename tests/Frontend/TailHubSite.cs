using System.Net.Http.Json;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Frontend;

/// <summary>A running TailHub whose sources are real files in a temp folder, each with a writer appending to it.</summary>
public sealed class TailHubSite : IAsyncDisposable
{
    private readonly Dictionary<string, LogWriter> _writers;

    private TailHubSite(TailHubServer server, Dictionary<string, LogWriter> writers)
    {
        Server = server;
        _writers = writers;
    }

    public TailHubServer Server { get; }

    public Uri BaseAddress => Server.BaseAddress;

    public LogWriter this[string source] => _writers[source];

    /// <summary>Starts TailHub with one file per source (created empty first, so every source is followed from the start).</summary>
    public static async Task<TailHubSite> StartAsync(params string[] sources)
    {
        var folder = new TempFolder();
        var writers = sources.ToDictionary(s => s, s => new LogWriter(folder.PathOf($"{s}.log"), append: false));
        var paths = sources.ToDictionary(s => s, s => $"{s}.log");
        return new TailHubSite(await TailHubServer.StartAsync(paths, folder: folder), writers);
    }

    public void WriteLines(string source, IEnumerable<string> lines) =>
        _writers[source].Write(string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Waits until the server has read at least <paramref name="count"/> lines of a source (it polls /api/sources).</summary>
    public async Task WaitUntilReadAsync(string source, long count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long read = 0;
        while (DateTime.UtcNow < deadline)
        {
            var sources = await Server.Client.GetFromJsonAsync<JsonElement>("/api/sources");
            read = sources.EnumerateArray().First(s => s.GetProperty("name").GetString() == source).GetProperty("linesRead").GetInt64();
            if (read >= count) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the server read {read} of {count} lines of '{source}'");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values) writer.Dispose();
        await Server.DisposeAsync();
    }
}
