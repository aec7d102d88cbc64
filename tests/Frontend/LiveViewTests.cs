using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class LiveViewTests(BrowserFixture browser)
{
    [Fact]
    public async Task Lines_appended_to_a_file_appear_in_the_page_as_they_are_written()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site["app"].WriteLine("first line");
        await Expect(page.Line("first line")).ToBeVisibleAsync();
        site["app"].WriteLine("second line");
        await Expect(page.Line("second line")).ToBeVisibleAsync();

        Assert.Equal(["first line", "second line"], await page.LineTextsAsync());
    }

    [Fact]
    public async Task Lines_of_several_sources_are_interleaved_and_tagged_with_their_source()
    {
        await using var site = await TailHubSite.StartAsync("api", "worker");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=api,worker");

        site["api"].WriteLine("from api");
        await Expect(page.Line("from api")).ToBeVisibleAsync();
        site["worker"].WriteLine("from worker");
        await Expect(page.Line("from worker")).ToBeVisibleAsync();

        var rows = page.Page.Locator("#log .row:not(.marker)");
        Assert.Equal(["api", "worker"], await rows.Locator(".src").AllTextContentsAsync());
        var apiColour = await rows.Nth(0).Locator(".src").EvaluateAsync<string>("e => getComputedStyle(e).color");
        var workerColour = await rows.Nth(1).Locator(".src").EvaluateAsync<string>("e => getComputedStyle(e).color");
        Assert.NotEqual(apiColour, workerColour);
    }

    [Fact]
    public async Task Choosing_a_source_in_the_picker_shows_only_its_lines_and_puts_it_in_the_url()
    {
        await using var site = await TailHubSite.StartAsync("api", "worker");
        site.WriteLines("api", ["api backlog"]);
        site.WriteLines("worker", ["worker backlog"]);
        await site.WaitUntilReadAsync("worker", 1);
        await site.WaitUntilReadAsync("api", 1);
        await using var page = await LogPage.OpenAsync(browser, site);
        await Expect(page.Line("api backlog")).ToBeVisibleAsync();
        await Expect(page.Line("worker backlog")).ToBeVisibleAsync();

        await page.Page.Locator("#sources .chip", new() { HasText = "worker" }).ClickAsync();

        await Expect(page.Page).ToHaveURLAsync(new Regex(@"\?sources=worker$"));
        await Expect(page.Line("worker backlog")).ToBeVisibleAsync();
        await Expect(page.Line("api backlog")).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#sources .chip.all")).ToHaveAttributeAsync("aria-pressed", "false");
    }

    [Fact]
    public async Task After_a_dropped_connection_the_browser_reconnects_by_itself_and_loses_nothing()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var proxy = new CuttableProxy(site.BaseAddress);
        await using var page = await LogPage.OpenAsync(browser, proxy.BaseAddress, "?sources=app");
        var before = Enumerable.Range(1, 5).Select(i => $"before {i}").ToList();
        var during = Enumerable.Range(1, 5).Select(i => $"while cut off {i}").ToList();
        var after = Enumerable.Range(1, 5).Select(i => $"after {i}").ToList();
        site.WriteLines("app", before);
        await Expect(page.Line("before 5")).ToBeVisibleAsync();

        var reconnect = page.Page.WaitForRequestAsync(r => r.Url.Contains("/api/stream"));
        proxy.Cut();
        await Expect(page.Page.Locator("#connection")).Not.ToHaveAttributeAsync("data-state", "live");
        site.WriteLines("app", during);
        await site.WaitUntilReadAsync("app", 10);
        var request = await reconnect;
        proxy.Restore();

        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        var headers = await request.AllHeadersAsync();
        Assert.True(headers.ContainsKey("last-event-id"), "the browser's own reconnect sends Last-Event-ID");
        site.WriteLines("app", after);
        await Expect(page.Line("after 5")).ToBeVisibleAsync();
        Assert.Equal([.. before, .. during, .. after], await page.LineTextsAsync());
    }

    [Fact]
    public async Task After_a_server_restart_a_gap_marker_says_so_and_the_new_runs_lines_still_show()
    {
        await using var first = await TailHubSite.StartAsync("app");
        await using var second = await TailHubSite.StartAsync("app");
        await using var proxy = new CuttableProxy(first.BaseAddress);
        await using var page = await LogPage.OpenAsync(browser, proxy.BaseAddress, "?sources=app");
        first.WriteLines("app", Enumerable.Range(1, 8).Select(i => $"first run {i}"));
        await Expect(page.Line("first run 8")).ToBeVisibleAsync();

        proxy.Cut();
        proxy.Upstream = second.BaseAddress;
        second.WriteLines("app", ["second run 1", "second run 2"]);
        await second.WaitUntilReadAsync("app", 2);
        proxy.Restore();

        // The new run numbers from 1 again: its lines must not be taken for ones already shown.
        await Expect(page.Line("second run 2")).ToBeVisibleAsync();
        var marker = page.Page.Locator("#log .row.marker-gap");
        await Expect(marker).ToContainTextAsync("the server restarted");
        Assert.Equal([.. Enumerable.Range(1, 8).Select(i => $"first run {i}"), "second run 1", "second run 2"], await page.LineTextsAsync());
    }

    [Fact]
    public async Task A_reconnect_resumes_from_the_last_event_without_losing_or_repeating_lines()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        var before = Enumerable.Range(1, 5).Select(i => $"before {i}").ToList();
        var during = Enumerable.Range(1, 5).Select(i => $"while disconnected {i}").ToList();
        var after = Enumerable.Range(1, 5).Select(i => $"after {i}").ToList();

        site.WriteLines("app", before);
        await Expect(page.Line("before 5")).ToBeVisibleAsync();
        await page.Page.EvaluateAsync("() => window.tailhub.disconnect()");
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "offline");
        site.WriteLines("app", during);
        await site.WaitUntilReadAsync("app", 10);

        var resumed = page.Page.WaitForRequestAsync(r => r.Url.Contains("/api/stream") && r.Url.Contains("lastEventId="));
        await page.Page.Locator("#connection").ClickAsync();
        await resumed;
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        site.WriteLines("app", after);
        await Expect(page.Line("after 5")).ToBeVisibleAsync();

        Assert.Equal([.. before, .. during, .. after], await page.LineTextsAsync());
    }

    [Fact]
    public async Task A_truncated_file_is_shown_as_an_inline_marker()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site.WriteLines("app", ["a fairly long line before the truncation", "another fairly long line"]);
        await Expect(page.Line("another fairly long line")).ToBeVisibleAsync();

        site["app"].Reopen(append: false);
        site["app"].WriteLine("new");

        await Expect(page.Line("new")).ToBeVisibleAsync();
        var marker = page.Page.Locator("#log .row.marker-truncated");
        await Expect(marker).ToBeVisibleAsync();
        await Expect(marker).ToContainTextAsync("truncated");
    }

    [Fact]
    public async Task Pause_freezes_the_view_while_new_lines_keep_counting()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site["app"].WriteLine("shown before pause");
        await Expect(page.Line("shown before pause")).ToBeVisibleAsync();

        await page.Page.Locator("#pause").ClickAsync();
        site.WriteLines("app", ["held 1", "held 2", "held 3"]);

        await Expect(page.Page.Locator("#paused-count")).ToHaveTextAsync("Paused — 3 new");
        Assert.Equal(["shown before pause"], await page.LineTextsAsync());

        await page.Page.Locator("#pause").ClickAsync();
        await Expect(page.Line("held 3")).ToBeVisibleAsync();
        Assert.Equal(["shown before pause", "held 1", "held 2", "held 3"], await page.LineTextsAsync());
    }
}
