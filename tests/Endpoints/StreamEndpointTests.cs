using System.Net;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

public sealed class StreamEndpointTests
{
    [Fact]
    public async Task A_line_appended_to_a_file_reaches_a_connected_viewer_as_a_named_event()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" });
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        Assert.Equal(HttpStatusCode.OK, viewer.Response.StatusCode);
        Assert.Equal("text/event-stream", viewer.Response.Content.Headers.ContentType?.MediaType);

        writer.WriteLine("hello from the test");

        var events = await viewer.ReadUntilLinesAsync("app", 1);
        var lines = events.Where(e => e.Type == "app").SelectMany(e => e.Lines).ToList();
        Assert.Equal("hello from the test", Assert.Single(lines).Text);
    }
}
