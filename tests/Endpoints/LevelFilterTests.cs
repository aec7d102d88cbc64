using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary><c>level=</c> on the stream: that level and above, filtered on the server in the viewer's own loop.</summary>
public sealed class LevelFilterTests
{
    private static readonly string[] Mixed =
    [
        "2024-03-05 14:22:31,001 INFO started",
        "2024-03-05 14:22:31,002 WARN slow disk",
        "no level at all",
        """{"level":"error","msg":"payment declined"}""",
        "level=debug msg=tick",
        "[fatal] out of memory",
    ];

    private static async Task<TailHubServer> StartAsync()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
    }

    private static async Task<List<string>> TextsUntilAsync(SseTestClient viewer, string last)
    {
        var texts = new List<string>();
        while (!texts.Contains(last))
        {
            var e = await viewer.NextAsync(TimeSpan.FromSeconds(15));
            if (e.Type == "app") texts.AddRange(e.Lines.Select(l => l.Text));
        }
        return texts;
    }

    [Fact]
    public async Task Only_lines_at_the_level_or_above_are_sent_and_lines_without_a_level_are_not()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&level=warn");

        foreach (var line in Mixed) writer.WriteLine(line);

        Assert.Equal([Mixed[1], Mixed[3], Mixed[5]], await TextsUntilAsync(viewer, Mixed[5]));
    }

    [Fact]
    public async Task The_backlog_is_filtered_too()
    {
        await using var server = await StartAsync();
        using (var writer = new LogWriter(server.Folder.PathOf("app.log")))
        {
            foreach (var line in Mixed) writer.WriteLine(line);
        }
        await server.WaitForPublishedAsync("app", Mixed.Length);

        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&level=error");

        Assert.Equal([Mixed[3], Mixed[5]], await TextsUntilAsync(viewer, Mixed[5]));
    }

    [Fact]
    public async Task Level_and_grep_together_send_the_lines_that_pass_both()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&level=warning&grep=" + Uri.EscapeDataString("disk|memory|started"));

        foreach (var line in Mixed) writer.WriteLine(line);

        // "started" is below warn; the error line does not match.
        Assert.Equal([Mixed[1], Mixed[5]], await TextsUntilAsync(viewer, Mixed[5]));
    }

    [Fact]
    public async Task A_viewer_without_a_level_gets_every_line_beside_one_with_a_level()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var filtered = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&level=fatal");
        await using var plain = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");

        foreach (var line in Mixed) writer.WriteLine(line);

        Assert.Equal(Mixed, await TextsUntilAsync(plain, Mixed[5]));
        Assert.Equal([Mixed[5]], await TextsUntilAsync(filtered, Mixed[5]));
    }

    [Fact]
    public async Task An_unknown_level_is_a_400_problem_naming_the_levels()
    {
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync("/api/stream?sources=app&level=loud", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("level", problem.GetProperty("parameter").GetString());
        Assert.Contains("trace, debug, info, warn, error, fatal", problem.GetProperty("detail").GetString());
    }
}
