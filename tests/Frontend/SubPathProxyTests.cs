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
}
