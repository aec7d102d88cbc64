using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>
/// Go to a line or a time (the "Go to" box), and the <c>tailhub:goto</c> event other parts of the page send: the line
/// is shown from the source's history when it is older than the lines held, marked, and the view stops following.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GoToTests(BrowserFixture browser)
{
    private static readonly Regex Selected = new(@"\bselected\b");
    private static readonly Regex Target = new(@"\btarget\b");

    private static async Task<TailHubSite> SiteWithLinesAsync(int count)
    {
        var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", Enumerable.Range(1, count).Select(i => $"line {i}"));
        await site.WaitUntilReadAsync("app", count);
        return site;
    }

    private static async Task<long> ReadTimeAsync(TailHubSite site, string query) =>
        (await site.Server.Client.GetFromJsonAsync<JsonElement>($"/api/sources/app/lines?{query}")).GetProperty("lines")[0].GetProperty("ts").GetInt64();

    private static async Task GoToAsync(LogPage page, string text)
    {
        await page.Page.Locator("#goto-q").FillAsync(text);
        await page.Page.Locator("#goto-q").PressAsync("Enter");
    }

    private static async Task AssertShownAsync(LogPage page, string text)
    {
        await Expect(page.Row(text)).ToHaveClassAsync(Selected);
        await Expect(page.Row(text)).ToHaveClassAsync(Target);
        await Expect(page.Line(text)).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#log .row.selected")).ToHaveCountAsync(1);
        await Expect(page.Page.Locator("#jump")).ToHaveTextAsync("Back to live");
    }

    [Fact]
    public async Task Going_to_a_line_older_than_the_lines_held_shows_it_marked()
    {
        await using var site = await SiteWithLinesAsync(5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("line 5000")).ToBeInViewportAsync();
        await Expect(page.Line("line 100")).ToHaveCountAsync(0);

        // Sequence 1 is the notice that the file is being followed: line 100 is sequence 101.
        await GoToAsync(page, "101");

        await AssertShownAsync(page, "line 100");
        await Expect(page.Page).ToHaveURLAsync(new Regex(@"#line=app@[^=]+=101$"));
    }

    [Fact]
    public async Task Going_to_a_time_shows_the_first_line_read_at_or_after_it()
    {
        await using var site = await SiteWithLinesAsync(2000);
        var firstEarly = await ReadTimeAsync(site, "after=0&limit=5");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(await ReadTimeAsync(site, "limit=1") + 1);
        // History knows when lines were read to the stretch of its index they are in, and a busy file's stretch ends
        // once it is a second old: the later lines are written after that, in a stretch of their own.
        while (DateTimeOffset.UtcNow <= DateTimeOffset.FromUnixTimeMilliseconds(firstEarly + 1100) || DateTimeOffset.UtcNow <= time) await Task.Delay(10);
        site.WriteLines("app", Enumerable.Range(1, 2000).Select(i => $"later {i}"));
        await site.WaitUntilReadAsync("app", 4000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("later 2000")).ToBeInViewportAsync();

        await GoToAsync(page, time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));

        await AssertShownAsync(page, "later 1");
        await Expect(page.Line("line 2000")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_goto_event_shows_the_line_it_names()
    {
        await using var site = await SiteWithLinesAsync(5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("line 5000")).ToBeInViewportAsync();

        await page.Page.EvaluateAsync("() => document.dispatchEvent(new CustomEvent('tailhub:goto', { detail: { source: 'app', seq: 2001 } }))");

        await AssertShownAsync(page, "line 2000");
    }

    [Fact]
    public async Task Home_shows_the_first_line_of_the_source_from_its_history()
    {
        await using var site = await SiteWithLinesAsync(5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("line 5000")).ToBeInViewportAsync();

        await page.Page.Locator("#log").FocusAsync();
        await page.Page.Keyboard.PressAsync("Home");

        await AssertShownAsync(page, "line 1");
    }

    [Fact]
    public async Task Back_to_live_returns_to_the_live_tail_and_follows_it()
    {
        await using var site = await SiteWithLinesAsync(5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await GoToAsync(page, "101");
        await AssertShownAsync(page, "line 100");

        await page.Page.Locator("#jump").ClickAsync();
        await Expect(page.Line("line 5000")).ToBeInViewportAsync();
        site.WriteLines("app", ["line 5001"]);

        await Expect(page.Line("line 5001")).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#jump")).ToBeHiddenAsync();
        await Expect(page.Line("line 100")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task With_several_sources_shown_a_line_not_held_is_shown_with_its_source_alone()
    {
        await using var site = await TailHubSite.StartAsync("app", "db");
        site.WriteLines("app", Enumerable.Range(1, 3000).Select(i => $"line {i}"));
        site.WriteLines("db", ["db line"]);
        await site.WaitUntilReadAsync("app", 3000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app,db&max=1000");
        await Expect(page.Line("line 3000")).ToBeAttachedAsync();

        await page.Page.EvaluateAsync("() => document.dispatchEvent(new CustomEvent('tailhub:goto', { detail: { source: 'app', seq: 11 } }))");

        await AssertShownAsync(page, "line 10");
        await Expect(page.Page).ToHaveURLAsync(new Regex(@"\?sources=app(&|#)"));
        await Expect(page.Line("db line")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Choosing_a_search_hit_shows_that_line_from_history()
    {
        await using var site = await TailHubSite.StartAsync("app");
        site.WriteLines("app", Enumerable.Range(1, 5000).Select(i => i == 10 ? "line 10 ERROR disk full" : $"line {i}"));
        await site.WaitUntilReadAsync("app", 5000);
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&max=1000");
        await Expect(page.Line("line 5000")).ToBeInViewportAsync();
        await page.Page.Keyboard.PressAsync("s");
        await page.Page.Locator("#search-q").FillAsync("ERROR");
        await page.Page.Locator("#search-go").ClickAsync();

        await page.Page.Locator("#search-hits .hit").First.ClickAsync();

        await AssertShownAsync(page, "line 10 ERROR disk full");
    }
}
