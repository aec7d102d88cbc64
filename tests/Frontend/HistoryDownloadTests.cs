using Microsoft.Playwright;
using TailHub.Tests.Sources.Command;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The download menu: the lines the filter shows, and from the server the whole source and the run picked.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryDownloadTests(BrowserFixture browser)
{
    private static async Task<string> DownloadAsync(LogPage page, string item)
    {
        await page.Page.Locator("#download-more").ClickAsync();
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator(item).ClickAsync());
        return await File.ReadAllTextAsync(await download.PathAsync());
    }

    [Fact]
    public async Task Downloading_the_whole_source_saves_every_line_from_its_start()
    {
        await using var server = await HistoryScrollTests.ServeExistingFileAsync(3000);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=app&max=100");
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("100 / 100 lines held");

        var text = await DownloadAsync(page, "#download-source");

        Assert.Equal(string.Concat(Enumerable.Range(1, 3000).Select(i => $"line {i}\n")), text);
    }

    [Fact]
    public async Task Downloading_the_run_picked_saves_that_runs_lines_only()
    {
        await using var job = await CommandSource.StartAsync("""for i in 1 2 3; do echo "$WHO $i"; done""", new() { ["Parameters:WHO"] = "[a-z]+" });
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["WHO"] = "first" }));
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["WHO"] = "second" }));
        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, $"?sources={CommandSource.Name}");
        await page.Page.Locator("#run-picker").SelectOptionAsync("1");
        await Expect(page.Line("first 3")).ToBeVisibleAsync();

        var text = await DownloadAsync(page, "#download-run");

        Assert.Equal("first 1\nfirst 2\nfirst 3\n", text);
    }

    [Fact]
    public async Task Downloading_the_filters_result_saves_only_the_lines_it_shows()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&q=keep");
        site.WriteLines("app", ["keep one", "drop two", "\u001b[31mkeep three\u001b[0m"]);
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("3 / 10,000 lines held");

        var text = await DownloadAsync(page, "#download-filtered");

        Assert.Equal("keep one\nkeep three\n", text);
    }
}
