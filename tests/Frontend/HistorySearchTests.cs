using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The search panel: a search over the whole history of the sources shown, not only the lines held.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HistorySearchTests(BrowserFixture browser)
{
    private static ILocator Hits(LogPage page) => page.Page.Locator("#search-hits .hit");

    private static async Task SearchAsync(LogPage page, string text)
    {
        await page.Page.Keyboard.PressAsync("s");
        await page.Page.Locator("#search-q").FillAsync(text);
        await page.Page.Locator("#search-go").ClickAsync();
    }

    [Fact]
    public async Task A_search_finds_lines_long_scrolled_out_of_the_page_in_log_order_with_their_context()
    {
        await using var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", Enumerable.Range(1, 5000).Select(i => i is 10 or 4000 ? $"line {i} ERROR disk full" : $"line {i}"));
        await site.WaitUntilReadAsync("app", 5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("line 5000")).ToBeAttachedAsync();
        await Expect(page.Line("line 10 ERROR disk full")).ToHaveCountAsync(0);

        await SearchAsync(page, "error");

        await Expect(Hits(page)).ToHaveCountAsync(2);
        await Expect(page.Page.Locator("#search-status")).ToHaveTextAsync("2 hits.");
        // Sequence 1 is the notice that the file is being followed: line 10 is sequence 11.
        await Expect(Hits(page).Nth(0)).ToHaveAttributeAsync("data-seq", "11");
        await Expect(Hits(page).Nth(0).Locator(".hit-line")).ToHaveTextAsync("line 10 ERROR disk full");
        await Expect(Hits(page).Nth(0).Locator(".hit-line mark")).ToHaveTextAsync("ERROR");
        Assert.Equal(["line 8", "line 9", "line 11", "line 12"], await Hits(page).Nth(0).Locator(".hit-context").AllTextContentsAsync());
        await Expect(Hits(page).Nth(1).Locator(".hit-line")).ToHaveTextAsync("line 4000 ERROR disk full");
    }

    [Fact]
    public async Task More_continues_a_search_after_its_first_hundred_hits()
    {
        await using var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", Enumerable.Range(1, 300).Select(i => i % 2 == 0 ? $"hit {i}" : $"miss {i}"));
        await site.WaitUntilReadAsync("app", 300);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        await SearchAsync(page, "/^hit \\d+$/");
        await Expect(Hits(page)).ToHaveCountAsync(100);
        await Expect(page.Page.Locator("#search-status")).ToContainTextAsync("More hits follow.");
        await page.Page.Locator("#search-more").ClickAsync();

        await Expect(Hits(page)).ToHaveCountAsync(150);
        await Expect(page.Page.Locator("#search-more")).ToBeHiddenAsync();
        var texts = await page.Page.Locator("#search-hits .hit-line").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(1, 150).Select(i => $"hit {2 * i}"), texts);
    }

    [Fact]
    public async Task A_pattern_the_server_cannot_run_in_linear_time_is_explained_in_the_panel()
    {
        await using var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", ["aa"]);
        await site.WaitUntilReadAsync("app", 1);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        await SearchAsync(page, "/(a)\\1/");

        await Expect(page.Page.Locator("#search-status")).ToContainTextAsync("must run in linear time");
        await Expect(page.Page.Locator("#search-status")).ToHaveClassAsync(new Regex(@"\berror\b"));
        await Expect(Hits(page)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Choosing_a_hit_asks_the_page_to_show_that_line()
    {
        await using var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", ["one", "two ERROR", "three"]);
        await site.WaitUntilReadAsync("app", 3);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        await page.Page.EvaluateAsync("() => document.addEventListener('tailhub:goto', (e) => { window.asked = e.detail; })");
        await SearchAsync(page, "ERROR");

        await Hits(page).First.ClickAsync();

        var asked = await page.Page.EvaluateAsync<string>("() => JSON.stringify(window.asked)");
        Assert.Equal("""{"source":"app","seq":3}""", asked);
        await Expect(Hits(page).First).ToHaveClassAsync(new Regex(@"\bchosen\b"));
    }
}
