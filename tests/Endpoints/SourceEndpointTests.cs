using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

public sealed class SourceEndpointTests
{
    [Fact]
    public async Task Sources_list_each_source_with_its_state_file_offset_and_counts()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "one\ntwo\n");
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["app"] = "app.log", ["later"] = "later.log" }, null, folder);

        JsonElement app = default, later = default;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            var list = JsonDocument.Parse(await server.Client.GetStringAsync("/api/sources")).RootElement;
            app = list.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "app");
            later = list.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "later");
            // Offsets in the status are refreshed on each poll, not on every read.
            var offset = app.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("offset").GetInt64()).FirstOrDefault();
            if (app.GetProperty("linesRead").GetInt64() == 2 && offset == 8 && later.GetProperty("state").GetString() == "waiting") break;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);

        Assert.Equal("following", app.GetProperty("state").GetString());
        Assert.Equal(2, app.GetProperty("linesRead").GetInt64());
        var file = Assert.Single(app.GetProperty("files").EnumerateArray());
        Assert.Equal(folder.PathOf("app.log"), file.GetProperty("path").GetString());
        Assert.Equal(8, file.GetProperty("offset").GetInt64());
        Assert.Equal("waiting", later.GetProperty("state").GetString());
        Assert.Empty(later.GetProperty("files").EnumerateArray());
    }
}
