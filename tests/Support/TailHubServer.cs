using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TailHub.Tests.Support;

/// <summary>
/// The real TailHub (the same composition as Program.Main) on Kestrel at a loopback port, with its sources pointing
/// into a temporary folder.
/// </summary>
public sealed class TailHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TailHubServer(WebApplication app, TempFolder folder)
    {
        _app = app;
        Folder = folder;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public TempFolder Folder { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts TailHub with the given sources (name → path; relative paths are inside <see cref="Folder"/>) and any
    /// other settings (keys as in configuration, e.g. <c>TailHub:BatchInterval</c>).
    /// </summary>
    public static async Task<TailHubServer> StartAsync(IReadOnlyDictionary<string, string> sources, IReadOnlyDictionary<string, string?>? settings = null, TempFolder? folder = null)
    {
        folder ??= new TempFolder();
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["environment"] = "Testing",
            // The repository, so the real wwwroot is served.
            ["contentRoot"] = RepositoryRoot,
            ["TailHub:LogFile"] = "",
            // Sources keep their state under the data directory: in the test's folder, never in the repository.
            ["TailHub:DataDirectory"] = folder.PathOf("data"),
            ["TailHub:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var i = 0;
        foreach (var (name, path) in sources)
        {
            all[$"TailHub:Sources:{i}:Name"] = name;
            all[$"TailHub:Sources:{i}:Path"] = Path.IsPathRooted(path) ? path : folder.PathOf(path);
            i++;
        }
        if (settings is not null) foreach (var (k, v) in settings) all[k] = v;
        var args = all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = Program.Build(args);
        await app.StartAsync();
        return new TailHubServer(app, folder);
    }

    /// <summary>
    /// Starts TailHub with a push source named <paramref name="push"/> (its own settings, e.g. <c>MaxLinesPerSecond</c>,
    /// in <paramref name="pushSettings"/>) after the given file sources.
    /// </summary>
    public static Task<TailHubServer> StartWithPushAsync(string push, IReadOnlyDictionary<string, string?>? pushSettings = null,
        IReadOnlyDictionary<string, string>? files = null, IReadOnlyDictionary<string, string?>? settings = null, TempFolder? folder = null)
    {
        files ??= new Dictionary<string, string>();
        var index = files.Count;
        var all = new Dictionary<string, string?>
        {
            [$"TailHub:Sources:{index}:Name"] = push,
            [$"TailHub:Sources:{index}:Type"] = "push",
        };
        foreach (var (k, v) in pushSettings ?? new Dictionary<string, string?>()) all[$"TailHub:Sources:{index}:{k}"] = v;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        return StartAsync(files, all, folder);
    }

    /// <summary>What <c>GET /api/sources/{name}</c> says about a source now.</summary>
    public async Task<System.Text.Json.JsonElement> SourceAsync(string name) =>
        System.Text.Json.JsonDocument.Parse(await Client.GetStringAsync($"/api/sources/{name}")).RootElement;

    /// <summary>Waits until a source has published <paramref name="seq"/> (its lastSeq), polling /api/sources.</summary>
    public async Task WaitForPublishedAsync(string source, long seq)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if ((await SourceAsync(source)).GetProperty("lastSeq").GetInt64() >= seq) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"source '{source}' never published seq {seq}");
    }

    /// <summary>
    /// Where a viewer stands once it has received <paramref name="count"/> lines that <paramref name="write"/> wrote
    /// while it watched: the Last-Event-ID a resume test reconnects with.
    /// </summary>
    public async Task<string> PositionAfterWatchingAsync(string source, int count, Action write)
    {
        await using var viewer = await SseTestClient.ConnectAsync(BaseAddress, $"/api/stream?sources={source}&backlog=0");
        write();
        await viewer.ReadUntilLinesAsync(source, count);
        return viewer.LastEventId!;
    }

    /// <summary>The folder holding TailHub.csproj, found from where the tests run.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TailHub.csproj"))) return dir.FullName;
        }
        throw new InvalidOperationException("TailHub.csproj not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Stops TailHub and leaves its folder, for a test that starts it again on the same data.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private bool _stopped;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Folder.Dispose();
    }
}
