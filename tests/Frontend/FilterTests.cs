using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class FilterTests(BrowserFixture browser)
{
    private static readonly string[] Lines = ["GET /health 200", "POST /orders 500 error", "GET /orders 200", "worker tick"];

    private static async Task<(TailHubSite, LogPage)> OpenWithLinesAsync(BrowserFixture browser, string query = "?sources=app")
    {
        var site = await TailHubSite.StartAsync("app");
        var page = await LogPage.OpenAsync(browser, site, query);
        site.WriteLines("app", Lines);
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync($"{Lines.Length} / 10,000 lines held");
        return (site, page);
    }

    [Fact]
    public async Task A_substring_filter_hides_lines_that_do_not_match_and_counts_the_matches()
    {
        var (site, page) = await OpenWithLinesAsync(browser);
        await using var _ = site;
        await using var __ = page;

        await page.Page.Locator("#filter").FillAsync("orders");

        await Expect(page.Lines).ToHaveCountAsync(2);
        Assert.Equal(["POST /orders 500 error", "GET /orders 200"], await page.LineTextsAsync());
        await Expect(page.Page.Locator("#matches")).ToHaveTextAsync("2 matches");
        await Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"[?&]q=orders"));
    }

    [Fact]
    public async Task Clearing_the_filter_shows_every_line_again()
    {
        var (site, page) = await OpenWithLinesAsync(browser, "?sources=app&q=orders");
        await using var _ = site;
        await using var __ = page;
        await Expect(page.Lines).ToHaveCountAsync(2);

        await page.Page.Locator("#filter").FillAsync("");

        await Expect(page.Lines).ToHaveCountAsync(Lines.Length);
        await Expect(page.Page.Locator("#matches")).ToHaveTextAsync("");
    }

    [Fact]
    public async Task The_filter_applies_to_lines_that_arrive_after_it_was_typed()
    {
        var (site, page) = await OpenWithLinesAsync(browser);
        await using var _ = site;
        await using var __ = page;
        await page.Page.Locator("#filter").FillAsync("orders");
        await Expect(page.Lines).ToHaveCountAsync(2);

        site.WriteLines("app", ["GET /orders/7 200", "GET /health 200 again"]);

        await Expect(page.Line("GET /orders/7 200")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#matches")).ToHaveTextAsync("3 matches");
        await Expect(page.Line("GET /health 200 again")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_regex_filter_honours_the_case_toggle()
    {
        var (site, page) = await OpenWithLinesAsync(browser);
        await using var _ = site;
        await using var __ = page;

        await page.Page.Locator("#filter").FillAsync("/^get .* 200$/");
        await Expect(page.Lines).ToHaveCountAsync(2);

        await page.Page.Locator("#case").ClickAsync();
        await Expect(page.Lines).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#case")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [Fact]
    public async Task An_invalid_regex_is_reported_as_an_error_and_breaks_nothing()
    {
        var (site, page) = await OpenWithLinesAsync(browser);
        await using var _ = site;
        await using var __ = page;

        await page.Page.Locator("#filter").FillAsync("/orders(/");

        await Expect(page.Page.Locator("#filter-error")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#filter-error")).ToContainTextAsync("Invalid regular expression");
        await Expect(page.Page.Locator("#filter")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Lines).ToHaveCountAsync(Lines.Length);
        site["app"].WriteLine("still live");
        await Expect(page.Line("still live")).ToBeVisibleAsync();
        Assert.Empty(page.PageErrors);
    }

    [Fact]
    public async Task Sending_the_filter_to_the_server_means_only_matching_lines_are_received()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&q=keep&grep=1");
        await Expect(page.Page.Locator("#server-grep")).ToHaveAttributeAsync("aria-pressed", "true");

        site.WriteLines("app", ["keep 1", "drop 1", "drop 2", "keep 2"]);

        await Expect(page.Line("keep 2")).ToBeVisibleAsync();
        // Only what the server sent is held: the two dropped lines never reached the browser.
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("2 / 10,000 lines held");
        Assert.Equal(["keep 1", "keep 2"], await page.LineTextsAsync());
    }

    [Fact]
    public async Task A_pattern_the_server_rejects_is_reported_with_the_servers_reason()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        await page.Page.Locator("#server-grep").ClickAsync();

        // JavaScript reads \_ as "_", .NET refuses it: only the server can say what is wrong.
        await page.Page.Locator("#filter").FillAsync(@"/\_x/");

        await Expect(page.Page.Locator("#filter-error")).ToContainTextAsync("grep is not a valid regular expression");
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "error");

        await page.Page.Locator("#filter").FillAsync("x");
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Page.Locator("#filter-error")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_filter_matches_are_highlighted_in_the_lines_shown()
    {
        var (site, page) = await OpenWithLinesAsync(browser);
        await using var _ = site;
        await using var __ = page;

        await page.Page.Locator("#filter").FillAsync("/ORDERS|error/");

        await Expect(page.Lines).ToHaveCountAsync(2);
        Assert.Equal(["orders", "error", "orders"], await page.Page.Locator("#log .msg mark").AllTextContentsAsync());
        Assert.Equal(["POST /orders 500 error", "GET /orders 200"], await page.LineTextsAsync());
    }

    [Fact]
    public async Task A_shared_link_with_a_catastrophic_regex_leaves_the_page_responsive_and_says_why_the_filter_was_stopped()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&q=" + Uri.EscapeDataString(@"/^(\S+\s?)*#/"));
        // Words and spaces without a '#': a backtracking engine tries every way of splitting them, for seconds per line.
        var hostile = Enumerable.Range(0, 3).Select(i => $"GET /orders/{i} 200 in 15 ms from worker-7 handled request quickly and logged this line").ToList();

        site.WriteLines("app", hostile);

        // Counted on the page's thread in the same frame that takes the lines in: the thread was not held.
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("3 / 10,000 lines held");
        for (var i = 0; i < 5; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await page.Page.EvaluateAsync("() => new Promise(resolve => requestAnimationFrame(() => resolve(true)))");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"a frame took {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
        var error = page.Page.Locator("#filter-error");
        await Expect(error).ToContainTextAsync("was stopped so the page stays responsive");
        await Expect(error).ToContainTextAsync("Every line is shown until the filter is changed.");
        // The whole message is on screen: nothing cut off or hidden by overflow.
        Assert.True(await error.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight && e.getBoundingClientRect().right <= innerWidth"));
        await Expect(page.Lines).ToHaveCountAsync(3);

        await page.Page.Locator("#filter").FillAsync("/orders\\/1 /");
        await Expect(page.Lines).ToHaveCountAsync(1);
        await Expect(error).ToBeHiddenAsync();
        Assert.Empty(page.PageErrors);
    }
}
