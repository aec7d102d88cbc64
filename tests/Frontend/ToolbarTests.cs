using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class ToolbarTests(BrowserFixture browser)
{
    private static IEnumerable<string> Numbered(string prefix, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{prefix} {i}");

    [Fact]
    public async Task The_wrap_toggle_wraps_a_long_line_over_several_rows_and_keeps_the_tail_in_view()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        var longLine = "long " + string.Join(" ", Enumerable.Repeat("segment", 150));
        site.WriteLines("app", [.. Numbered("line", 1, 100), longLine, "after"]);
        await Expect(page.Line("after")).ToBeInViewportAsync();
        var rowHeight = await page.Line("after").EvaluateAsync<double>("e => e.closest('.row').offsetHeight");

        await page.Page.Locator("#wrap").ClickAsync();

        await Expect(page.Page).ToHaveURLAsync(new Regex(@"[?&]wrap=1"));
        await page.Page.WaitForFunctionAsync(
            "h => [...document.querySelectorAll('#log .row .msg')].some(m => m.textContent.startsWith('long ') && m.closest('.row').offsetHeight >= 3 * h)",
            rowHeight);
        await Expect(page.Line("after")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task The_time_toggle_shows_when_each_line_was_read()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site["app"].WriteLine("timed");
        await Expect(page.Line("timed")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#log .row .ts")).ToHaveCountAsync(0);

        await page.Page.Locator("#timestamps").ClickAsync();

        var stamp = page.Page.Locator("#log .row", new() { Has = page.Page.Locator(".msg", new() { HasText = "timed" }) }).Locator(".ts");
        await Expect(stamp).ToHaveTextAsync(new Regex(@"^\d{2}:\d{2}:\d{2}\.\d{3}$"));
        await Expect(page.Page).ToHaveURLAsync(new Regex(@"[?&]ts=1"));
    }

    [Fact]
    public async Task Clear_removes_the_lines_shown_and_later_lines_still_arrive()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site.WriteLines("app", ["old 1", "old 2"]);
        await Expect(page.Line("old 2")).ToBeVisibleAsync();

        await page.Page.Locator("#clear").ClickAsync();
        await Expect(page.Lines).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("0 / 10,000 lines held");
        site["app"].WriteLine("fresh");

        await Expect(page.Line("fresh")).ToBeVisibleAsync();
        Assert.Equal(["fresh"], await page.LineTextsAsync());
    }

    [Fact]
    public async Task Download_saves_the_lines_held_as_plain_text()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&q=nothing-matches-this");
        site.WriteLines("app", ["plain one", "\u001b[31mred two\u001b[0m", "<b>three</b>"]);
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("3 / 10,000 lines held");

        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#download").ClickAsync());

        Assert.Matches(@"^tailhub-.*\.log$", download.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal("plain one\nred two\n<b>three</b>\n", text);
    }

    [Fact]
    public async Task The_line_limit_from_the_url_keeps_only_the_newest_lines()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=100");
        await Expect(page.Page.Locator("#max-lines")).ToHaveValueAsync("100");

        site.WriteLines("app", Numbered("line", 1, 250));
        await Expect(page.Line("line 250")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("100 / 100 lines held");

        // What is held, as Download saves it (scrolling to the top would now go on into the source's history).
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#download").ClickAsync());
        var held = (await File.ReadAllTextAsync(await download.PathAsync())).TrimEnd('\n').Split('\n');
        Assert.Equal(Numbered("line", 151, 100), held);
    }

    [Fact]
    public async Task Keyboard_shortcuts_focus_the_filter_and_toggle_pause()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        await page.Page.Locator("#log").FocusAsync();

        await page.Page.Keyboard.PressAsync("p");
        await Expect(page.Page.Locator("#pause")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Page.Keyboard.PressAsync("/");
        await Expect(page.Page.Locator("#filter")).ToBeFocusedAsync();
        await page.Page.Keyboard.TypeAsync("p");

        await Expect(page.Page.Locator("#filter")).ToHaveValueAsync("p");
        await Expect(page.Page.Locator("#pause")).ToHaveAttributeAsync("aria-pressed", "true");
    }
}
