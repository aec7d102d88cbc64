using TailHub.Tests.Sources.Command;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The page behind Debian's nginx under a sub-path: <c>location /logs/ { proxy_pass http://tailhub/; }</c>.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SubPathProxyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Behind_a_proxy_under_a_sub_path_the_page_lists_its_sources_and_streams_lines()
    {
        await using var site = await TailHubSite.StartAsync("app", "db");
        await using var nginx = await NginxProxy.StartAsync(site.BaseAddress);

        await using var page = await LogPage.OpenAsync(browser, new Uri(nginx.BaseAddress, "/logs/"), "?sources=app");
        site.WriteLines("app", ["through nginx at /logs/"]);

        await Expect(page.Line("through nginx at /logs/")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#sources button", new() { HasText = "db" })).ToBeVisibleAsync();
        Assert.StartsWith(new Uri(nginx.BaseAddress, "/logs/").AbsoluteUri, page.Page.Url);
        Assert.Empty(page.PageErrors);
    }

    [Fact]
    public async Task Behind_a_proxy_under_a_sub_path_the_run_picker_and_the_history_search_reach_the_server()
    {
        await using var job = await CommandSource.StartAsync("echo 'a run seen through nginx'");
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        await using var nginx = await NginxProxy.StartAsync(job.Server.BaseAddress);

        await using var page = await LogPage.OpenAsync(browser, new Uri(nginx.BaseAddress, "/logs/"), $"?sources={CommandSource.Name}");
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 succeeded");
        await page.Page.Locator("#search-open").ClickAsync();
        await page.Page.Locator("#search-q").FillAsync("through nginx");
        await page.Page.Locator("#search-go").ClickAsync();

        await Expect(page.Page.Locator("#search-hits .hit-line")).ToHaveTextAsync(["a run seen through nginx"]);
        Assert.Empty(page.PageErrors);
    }
}
