using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary><c>GET /api/sources/{name}/download</c>: the masked text as a file.</summary>
public sealed class DownloadTests
{
    [Fact]
    public async Task The_download_is_the_masked_text_of_every_line_as_an_attachment()
    {
        using var folder = new TempFolder();
        var lines = Enumerable.Range(1, 3000).Select(i => i == 1234 ? "login with password=hunter2 ok" : $"line {i}").ToList();
        File.WriteAllText(folder.PathOf("app.log"), string.Concat(lines.Select(l => l + "\n")));
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        await server.WaitForPublishedAsync("app", 3001);
        var masked = new List<string>();
        for (var after = 0L; ;)
        {
            var page = await server.Client.PageAsync("app", $"after={after}&limit=1000");
            masked.AddRange(page.Lines.Select(l => l.Text));
            after = page.After;
            if (page.AtEnd) break;
        }

        using var response = await server.Client.GetAsync("/api/sources/app/download");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".log", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(string.Concat(masked.Select(l => l + "\n")), text);
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("line 2999\nline 3000\n", text);
    }

    [Fact]
    public async Task A_range_request_gets_the_whole_masked_text_never_the_file_s_bytes()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "token=abcdef123456 first\nsecond\n");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        await server.WaitForPublishedAsync("app", 3);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources/app/download");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 10);

        using var response = await server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("none", string.Join(",", response.Headers.AcceptRanges));
        Assert.DoesNotContain("abcdef123456", text);
        Assert.EndsWith("second\n", text);
    }

    [Fact]
    public async Task From_and_to_download_just_that_stretch()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), string.Concat(Enumerable.Range(1, 20).Select(i => $"l{i}\n")));
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        await server.WaitForPublishedAsync("app", 21);
        var first = (await server.Client.PageAsync("app", "after=0&limit=3")).Lines[0].Seq;

        var text = await server.Client.GetStringAsync($"/api/sources/app/download?from={first + 4}&to={first + 6}");

        Assert.Equal("l5\nl6\nl7\n", text);
    }
}
