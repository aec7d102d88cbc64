using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Logging;

/// <summary>TailHub following its own log (the shipped default): it says what it does, not who is watching it.</summary>
public sealed class OwnLogAsSourceTests
{
    /// <summary>TailHub writing its log at Information into the folder, followed as source <c>logs</c>, beside a source <c>app</c>.</summary>
    private static Task<TailHubServer> StartFollowingOwnLogAsync(TempFolder folder) =>
        TailHubServer.StartAsync(
            new Dictionary<string, string> { ["logs"] = "own/*.log", ["app"] = "app.log" },
            new Dictionary<string, string?>
            {
                ["TailHub:LogFile"] = folder.PathOf("own/tailhub.log"),
                ["Logging:LogLevel:Default"] = "Information",
            },
            folder);

    [Fact]
    public async Task Viewers_connecting_are_not_written_to_TailHubs_own_log_at_the_default_level()
    {
        var folder = new TempFolder();
        await using var server = await StartFollowingOwnLogAsync(folder);
        await using (await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=logs"))
        {
        }

        // A line logged after the viewer connected: once it is in the file, anything logged before it is too.
        File.WriteAllText(folder.PathOf("app.log"), "");
        var own = folder.PathOf("own/tailhub.log");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!ReadShared(own).Contains($"Following {folder.PathOf("app.log")}") && DateTime.UtcNow < deadline) await Task.Delay(50);

        var log = ReadShared(own);
        Assert.Contains($"Following {folder.PathOf("app.log")}", log);
        Assert.DoesNotContain("Viewer connected", log);
    }

    [Fact]
    public async Task The_source_following_TailHubs_own_log_is_marked_as_such_in_the_sources_list()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await StartFollowingOwnLogAsync(folder);

        JsonElement logs = default, app = default;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            var list = JsonDocument.Parse(await server.Client.GetStringAsync("/api/sources")).RootElement.EnumerateArray().ToList();
            logs = list.Single(s => s.GetProperty("name").GetString() == "logs");
            app = list.Single(s => s.GetProperty("name").GetString() == "app");
            if (logs.TryGetProperty("ownLog", out _)) break;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);

        Assert.True(logs.GetProperty("ownLog").GetBoolean());
        Assert.False(app.TryGetProperty("ownLog", out _));
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
