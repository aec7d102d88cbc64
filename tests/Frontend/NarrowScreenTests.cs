using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The page on a 420 px wide screen (a phone): a small toolbar, and long lines wrapped rather than cut.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NarrowScreenTests(BrowserFixture browser)
{
    private const int Width = 420;
    private const int Height = 800;

    private static async Task<LogPage> OpenNarrowAsync(BrowserFixture browser, TailHubSite site, string query = "?sources=app")
    {
        var page = await LogPage.OpenUnconnectedAsync(browser, site.BaseAddress, query, width: Width, height: Height);
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        return page;
    }

    [Fact]
    public async Task The_toolbar_folds_its_sources_and_options_behind_a_menu_and_takes_a_small_share_of_the_height()
    {
        await using var site = await TailHubSite.StartAsync("app", "worker");
        await using var page = await OpenNarrowAsync(browser, site);

        var header = await page.Page.Locator("header.bar").BoundingBoxAsync();
        Assert.True(header!.Height <= 0.12 * Height, $"the toolbar is {header.Height} px of {Height}");
        await Expect(page.Page.Locator("#filter")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#pause")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#sources")).ToBeHiddenAsync();

        await page.Page.Locator("#menu").ClickAsync();

        await Expect(page.Page.Locator("#menu")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.Page.Locator("#pause")).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#sources .chip", new() { HasText = "worker" })).ToBeInViewportAsync();
    }

    [Fact]
    public async Task A_long_line_wraps_by_default_instead_of_being_cut()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await OpenNarrowAsync(browser, site);
        var longLine = "start " + string.Join(" ", Enumerable.Range(1, 40).Select(i => $"word{i}")) + " end";

        site.WriteLines("app", ["short", longLine]);

        var line = page.Line(longLine);
        await Expect(line).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#wrap")).ToHaveAttributeAsync("aria-pressed", "true");
        var box = await line.BoundingBoxAsync();
        var shortBox = await page.Line("short").BoundingBoxAsync();
        Assert.True(box!.Height >= 3 * shortBox!.Height, $"the long line is {box.Height} px high, a short one {shortBox.Height} px");
        Assert.True(box.X + box.Width <= Width, $"the long line reaches {box.X + box.Width} px of {Width}");
        Assert.True(await page.Page.Locator("#log").EvaluateAsync<bool>("l => l.scrollWidth <= l.clientWidth"), "the log scrolls sideways");
        Assert.DoesNotMatch(new Regex(@"[?&]wrap="), page.Page.Url);
    }

    [Fact]
    public async Task A_bad_regex_message_is_shown_whole_on_a_narrow_screen()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await OpenNarrowAsync(browser, site);

        await page.Page.Locator("#filter").FillAsync("/orders(unclosed/");

        var error = page.Page.Locator("#filter-error");
        await Expect(error).ToContainTextAsync("Invalid regular expression");
        Assert.True(await error.EvaluateAsync<bool>(
            "e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight && e.getBoundingClientRect().left >= 0 && e.getBoundingClientRect().right <= innerWidth"),
            "the message is cut off");
    }
}
