using System.Net;
using System.Text;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>
/// The page across a restart of the real TailHub on the same data directory: the browser's own reconnect carries
/// its cursor, and the page goes on with the lines it missed, none lost or repeated and no "restarted" marker.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RestartPageTests(BrowserFixture browser) : IDisposable
{
    private static readonly string[] Sources =
    [
        "--TailHub:Sources:0:Name=build", "--TailHub:Sources:0:Type=push",
        "--TailHub:Sources:1:Name=app", "--TailHub:Sources:1:Path=app.log",
        // The process's content root is the test's folder; the page comes from the build.
        $"--webroot={Path.Combine(AppContext.BaseDirectory, "wwwroot")}",
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static async Task PushAsync(TailHubProcess tailhub, params string[] lines)
    {
        var body = string.Concat(lines.Select(l => l + "\n"));
        using var response = await tailhub.Client.PutAsync("/api/sources/build/lines", new ByteArrayContent(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task After_TailHub_restarts_the_page_resumes_with_no_line_lost_or_repeated()
    {
        var logFile = _folder.PathOf("app.log");
        File.WriteAllText(logFile, "");
        var before = await TailHubProcess.StartAsync(_folder, Sources);
        await using var proxy = new CuttableProxy(before.BaseAddress);
        await using var page = await LogPage.OpenAsync(browser, proxy.BaseAddress, "?sources=build,app");
        await PushAsync(before, "pushed 1", "pushed 2");
        File.AppendAllText(logFile, "file 1\n");
        await Expect(page.Line("pushed 2")).ToBeVisibleAsync();
        await Expect(page.Line("file 1")).ToBeVisibleAsync();

        proxy.Cut();
        await PushAsync(before, "pushed while the page was away");
        Assert.Equal(0, await before.StopAsync());
        await before.DisposeAsync();
        File.AppendAllText(logFile, "file while TailHub was stopped\n");
        await using var after = await TailHubProcess.StartAsync(_folder, Sources);
        await PushAsync(after, "pushed after the restart");
        proxy.Upstream = after.BaseAddress;
        proxy.Restore();

        await Expect(page.Line("pushed after the restart")).ToBeVisibleAsync();
        await Expect(page.Line("file while TailHub was stopped")).ToBeVisibleAsync();
        var texts = await page.LineTextsAsync();
        Assert.Equal(["pushed 1", "pushed 2", "pushed while the page was away", "pushed after the restart"],
            texts.Where(t => t.StartsWith("pushed")));
        Assert.Equal(["file 1", "file while TailHub was stopped"], texts.Where(t => t.StartsWith("file")));
        Assert.Equal(0, await page.Page.Locator("#log .row.marker-gap").CountAsync());
    }
}
