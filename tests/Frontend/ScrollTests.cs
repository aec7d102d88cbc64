using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class ScrollTests(BrowserFixture browser)
{
    private const string AtBottom = "() => { const l = document.getElementById('log'); return l.scrollTop + l.clientHeight >= l.scrollHeight - 4; }";

    private static IEnumerable<string> Numbered(string prefix, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{prefix} {i}");

    [Fact]
    public async Task The_view_follows_the_tail_as_lines_arrive()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site.WriteLines("app", Numbered("line", 1, 300));

        await Expect(page.Line("line 300")).ToBeInViewportAsync();
        Assert.True(await page.Page.EvaluateAsync<bool>(AtBottom));
        await Expect(page.Page.Locator("#jump")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Scrolling_up_stops_following_and_offers_to_jump_to_the_new_lines()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site.WriteLines("app", Numbered("line", 1, 300));
        await Expect(page.Line("line 300")).ToBeInViewportAsync();

        await page.Page.Locator("#log").HoverAsync();
        await page.Page.Mouse.WheelAsync(0, -2000);
        await Expect(page.Page.Locator("#jump")).ToBeVisibleAsync();
        site.WriteLines("app", Numbered("new", 1, 3));

        await Expect(page.Page.Locator("#jump")).ToHaveTextAsync("3 new lines — jump to latest");
        Assert.False(await page.Page.EvaluateAsync<bool>(AtBottom));
        await Expect(page.Line("new 3")).Not.ToBeInViewportAsync();

        await page.Page.Locator("#jump").ClickAsync();
        await Expect(page.Line("new 3")).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#jump")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Scrolling_back_to_the_bottom_resumes_following()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site.WriteLines("app", Numbered("line", 1, 300));
        await Expect(page.Line("line 300")).ToBeInViewportAsync();
        await page.Page.Locator("#log").HoverAsync();
        await page.Page.Mouse.WheelAsync(0, -2000);
        await Expect(page.Page.Locator("#jump")).ToBeVisibleAsync();

        await page.Page.Mouse.WheelAsync(0, 100_000);
        await Expect(page.Page.Locator("#jump")).ToBeHiddenAsync();
        site.WriteLines("app", Numbered("later", 1, 100));

        await Expect(page.Line("later 100")).ToBeInViewportAsync();
        Assert.True(await page.Page.EvaluateAsync<bool>(AtBottom));
    }
}
