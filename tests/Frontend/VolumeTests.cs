using System.Diagnostics;
using System.Text;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class VolumeTests(BrowserFixture browser)
{
    private const int Burst = 30_000;

    private static string BurstText()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Burst; i++)
            text.Append($"2026-11-22 12:00:00.{i % 1000:000} {(i % 9 == 0 ? "WARN" : "INFO")} request {i} handled in {i % 97} ms \u001b[32mok\u001b[0m\n");
        return text.ToString();
    }

    [Fact]
    public async Task After_thirty_thousand_lines_the_dom_holds_only_the_visible_rows_and_the_last_line_shows()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site["app"].Write(BurstText());

        var last = page.Line($"2026-11-22 12:00:00.000 INFO request {Burst} handled in {Burst % 97} ms ok");
        await Expect(last).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("10,000 / 10,000 lines held");
        var rows = await page.Page.Locator("#log .row").CountAsync();
        Assert.InRange(rows, 1, 150);
    }

    /// <summary>A speed goal, so not part of the default run (.ci/run excludes it):
    /// <c>dotnet test TailHub.Tests.csproj --filter Category=Performance</c>.</summary>
    [Fact]
    [Trait("Category", "Performance")]
    public async Task A_burst_of_thirty_thousand_lines_shows_its_last_line_within_three_seconds_without_stalling()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        await page.Page.EvaluateAsync("""
            () => {
              window.longestTask = 0;
              new PerformanceObserver(list => {
                for (const e of list.getEntries()) window.longestTask = Math.max(window.longestTask, e.duration);
              }).observe({ type: 'longtask' });
            }
            """);
        var text = BurstText();

        var clock = Stopwatch.StartNew();
        site["app"].Write(text);
        await Expect(page.Line($"2026-11-22 12:00:00.000 INFO request {Burst} handled in {Burst % 97} ms ok")).ToBeInViewportAsync();
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the last line took {clock.Elapsed.TotalMilliseconds:F0} ms");
        var longest = await page.Page.EvaluateAsync<double>("() => window.longestTask");
        Assert.True(longest < 400, $"the main thread was blocked for {longest:F0} ms");
    }
}
