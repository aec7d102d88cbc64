using Microsoft.Playwright;
using TailHub.Tests.Alerts;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>Where a notification's link lands: the page, at the line that matched, with what came before it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertLinkTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_notifications_link_opens_the_page_at_the_matching_line_marked_with_the_fifty_lines_before_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alerts = await AlertServer.StartAsync(AlertServer.OneRule(receiver.Url(), match: "crash"));
        // Far more lines after it than the page shows at once, and older than the backlog by the time it is opened.
        alerts.Writer.Write(string.Concat(Enumerable.Range(1, 2000).Select(i => $"INFO ok {i}\n")));
        alerts.Writer.WriteLine("ERROR crash in checkout");
        alerts.Writer.Write(string.Concat(Enumerable.Range(1, 2000).Select(i => $"INFO after {i}\n")));
        var link = (await receiver.NextAsync()).Json.GetProperty("link").GetString()!;

        await using var page = await LogPage.OpenAsync(browser, new Uri(link));

        var crash = page.Line("ERROR crash in checkout");
        await Expect(crash).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#log .row.target .msg")).ToHaveTextAsync("ERROR crash in checkout");
        // From 50 lines before it to the end: INFO ok 1951 … INFO after 2000.
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("2,051 / 10,000 lines held");
        // It stays there: the page is not following the tail.
        await Expect(page.Page.Locator("#jump")).ToBeVisibleAsync();
        await Expect(crash).ToBeInViewportAsync();
    }
}
