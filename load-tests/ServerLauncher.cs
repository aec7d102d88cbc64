using System.Net.Http.Json;
using System.Text.Json;

namespace TailHub.LoadTests;

/// <summary>What /api/sources says about one source.</summary>
public readonly record struct SourceCounters(long LinesRead, long LastSeq, int Viewers, long LinesDropped);

/// <summary>
/// Gives each run its server: a fresh TailHub in its own temporary folder (so runs cannot disturb each other), or
/// the one at <c>--url</c>. Also reads the server's per-source counters.
/// </summary>
public sealed class ServerLauncher(ServerOptions options, Uri? attachUrl, string? attachFile, int? attachPid, string sourceName)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public bool Attached => attachUrl is not null;

    /// <summary>A server whose source file exists and is empty (fresh) or is appended to (attached).</summary>
    public async Task<(ServerProcess Server, string? Folder)> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        if (attachUrl is not null) return (ServerProcess.Attach(attachUrl, sourceName, attachFile!, attachPid), null);
        var folder = NewFolder();
        var file = Path.Combine(folder, $"{sourceName}.log");
        var server = await ServerProcess.StartAsync(options, sourceName, file, createFile: true, settings, folder, cancellationToken);
        return (server, folder);
    }

    /// <summary>A fresh server whose source file does not exist yet (the catch-up scenario moves one in).</summary>
    public async Task<(ServerProcess Server, string Folder)> StartWithoutFileAsync(string folder, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, $"{sourceName}.log");
        var server = await ServerProcess.StartAsync(options, sourceName, file, createFile: false, settings, folder, cancellationToken);
        return (server, folder);
    }

    /// <summary>A fresh server whose one source is a push source (<c>PUT /api/sources/{name}/lines</c>), its spool in <paramref name="folder"/>.</summary>
    public async Task<(ServerProcess Server, string? Folder)> StartPushAsync(string folder, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        if (attachUrl is not null) return (ServerProcess.Attach(attachUrl, sourceName, attachFile ?? "", attachPid), null);
        return (await ServerProcess.StartPushAsync(options, sourceName, settings, folder, cancellationToken), folder);
    }

    /// <summary>A fresh server whose sources are all in <paramref name="settings"/> (the command scenario's command source).</summary>
    public async Task<(ServerProcess Server, string Folder)> StartConfiguredAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var folder = NewFolder();
        return (await ServerProcess.StartConfiguredAsync(options, sourceName, [], settings, folder, cancellationToken), folder);
    }

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tailhub-load-{Guid.NewGuid():N}"[..26]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static async Task StopAsync(ServerProcess server, string? folder)
    {
        await server.DisposeAsync();
        if (folder is not null) DeleteFolder(folder);
    }

    /// <summary>Removes a run's folder; one that cannot be removed is left for the system's temp cleaning.</summary>
    public static void DeleteFolder(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }

    public static async Task<SourceCounters?> CountersAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        try
        {
            var uri = new Uri(server.BaseUri, $"api/sources/{Uri.EscapeDataString(server.SourceName)}");
            using var doc = await Http.GetFromJsonAsync<JsonDocument>(uri, cancellationToken);
            if (doc is null) return null;
            var root = doc.RootElement;
            return new SourceCounters(root.GetProperty("linesRead").GetInt64(), root.GetProperty("lastSeq").GetInt64(),
                root.GetProperty("viewers").GetInt32(), root.GetProperty("linesDropped").GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
        {
            return null;
        }
    }
}
