using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class TimeOrderTests(BrowserFixture browser)
{
    [Fact]
    public async Task Opening_a_view_of_two_sources_shows_their_backlog_interleaved_in_the_order_it_was_read()
    {
        await using var site = await TailHubSite.StartAsync("app", "worker");
        // Each line is read and published, and the clock past its millisecond, before the next is written: each has a
        // read time of its own, and all are backlog when the page opens. (Sequence 1 is the notice that it is followed.)
        await site.Server.WaitForPublishedAsync("app", 1);
        await site.Server.WaitForPublishedAsync("worker", 1);
        for (var i = 1; i <= 4; i++)
        {
            site["app"].WriteLine($"app {i}");
            await site.Server.WaitForPublishedAsync("app", 1 + i);
            await ReadTimes.NextMillisecondAsync();
            site["worker"].WriteLine($"worker {i}");
            await site.Server.WaitForPublishedAsync("worker", 1 + i);
            await ReadTimes.NextMillisecondAsync();
        }

        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app,worker&ts=1");
        await Expect(page.Lines).ToHaveCountAsync(8);

        Assert.Equal(["app 1", "worker 1", "app 2", "worker 2", "app 3", "worker 3", "app 4", "worker 4"], await page.LineTextsAsync());
        var times = await page.Page.Locator("#log .row:not(.marker) .ts").AllTextContentsAsync();
        Assert.Equal(8, times.Count);
        Assert.Equal(times.Order(StringComparer.Ordinal), times);
    }
}
