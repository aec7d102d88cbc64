using System.Text.RegularExpressions;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>A link to one line: #line=source@epoch=seq, the stream's cursor form.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LineLinkTests(BrowserFixture browser)
{
    private static readonly Regex Selected = new(@"\bselected\b");

    private static async Task<TailHubSite> SiteWithLinesAsync(int count)
    {
        var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", Enumerable.Range(1, count).Select(i => $"line {i}"));
        await site.WaitUntilReadAsync("app", count);
        return site;
    }

    /// <summary>The epoch of the source's sequence, as the stream names it in its event ids.</summary>
    private static async Task<string> EpochOfAsync(TailHubSite site, string source)
    {
        await using var viewer = await SseTestClient.ConnectAsync(site.BaseAddress, $"/api/stream?sources={source}&backlog=1");
        await viewer.ReadUntilLinesAsync(source, 1);
        return Regex.Match(viewer.LastEventId!, $"^{source}@([^=]+)=").Groups[1].Value;
    }

    [Fact]
    public async Task Clicking_a_line_selects_it_and_puts_a_link_to_it_in_the_address()
    {
        await using var site = await SiteWithLinesAsync(50);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        var epoch = await EpochOfAsync(site, "app");
        await Expect(page.Line("line 40")).ToBeVisibleAsync();

        await page.Line("line 40").ClickAsync();

        // Sequence 1 is the notice that the file is being followed: line 40 is sequence 41.
        await Expect(page.Page).ToHaveURLAsync(new Regex($@"\?sources=app#line=app@{epoch}=41$"));
        await Expect(page.Row("line 40")).ToHaveClassAsync(Selected);
        await Expect(page.Page.Locator("#copy-link")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Opening_a_link_to_a_line_scrolls_to_it_and_highlights_it()
    {
        await using var site = await SiteWithLinesAsync(400);
        var epoch = await EpochOfAsync(site, "app");

        await using var page = await LogPage.OpenAsync(browser, site, $"?sources=app#line=app@{epoch}=101");

        await Expect(page.Row("line 100")).ToHaveClassAsync(Selected);
        await Expect(page.Line("line 100")).ToBeInViewportAsync();
        await Expect(page.Line("line 400")).Not.ToBeInViewportAsync();
        await Expect(page.Page.Locator("#log .row.selected")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_link_to_a_line_older_than_the_lines_held_opens_at_it_from_the_history()
    {
        await using var site = await SiteWithLinesAsync(3000);
        var epoch = await EpochOfAsync(site, "app");

        await using var page = await LogPage.OpenAsync(browser, site, $"?sources=app&max=1000#line=app@{epoch}=6");

        await Expect(page.Row("line 5")).ToHaveClassAsync(Selected);
        await Expect(page.Line("line 5")).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#log .row.selected")).ToHaveCountAsync(1);
        await Expect(page.Page.Locator("#jump")).ToHaveTextAsync("Back to live");
    }

    [Fact]
    public async Task A_link_to_a_line_of_an_earlier_numbering_of_the_source_says_so()
    {
        await using var site = await SiteWithLinesAsync(50);

        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app#line=app@00000000=5");

        await Expect(page.Page.Locator("#link-status")).ToHaveTextAsync("The linked line (app #5) is no longer held: app has been numbered afresh since.");
        await Expect(page.Page.Locator("#log .row.selected")).ToHaveCountAsync(0);
    }
}
