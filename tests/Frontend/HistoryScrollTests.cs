using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>
/// Scrolling back past the lines held into the source's history (history.js): older pages come in above without a
/// jump, a duplicate or a hole, the page stays bounded, and scrolling down again returns to the live tail.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HistoryScrollTests(BrowserFixture browser)
{
    // Tall, so that one step of the scroll covers many lines.
    private const int Height = 4000;

    /// <summary>TailHub over a file of <paramref name="lines"/> numbered lines written before it started.</summary>
    internal static async Task<TailHubServer> ServeExistingFileAsync(int lines)
    {
        var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.PathOf("app.log"), string.Concat(Enumerable.Range(1, lines).Select(i => $"line {i}\n")));
        var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var sources = await server.Client.GetFromJsonAsync<JsonElement>("/api/sources");
            if (sources.EnumerateArray().First(s => s.GetProperty("name").GetString() == "app").GetProperty("linesRead").GetInt64() >= lines) return server;
            await Task.Delay(50);
        }
        await server.DisposeAsync();
        throw new TimeoutException("the file was not read in time");
    }

    /// <summary>
    /// Scrolls the log by half a screen at a time (up or down) until a row reads <paramref name="until"/>, waiting after
    /// each step for the rows to be drawn and any history page to arrive. Returns the line numbers shown whole in the
    /// viewport before the first step and after each, and the most rows the DOM and lines the store held at any step.
    /// </summary>
    private static async Task<Walk> WalkAsync(LogPage page, bool up, string until)
    {
        var result = await page.Page.EvaluateAsync<JsonElement>("""
            async ({ up, until }) => {
              const log = document.getElementById('log');
              const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
              const held = () => Number(document.getElementById('held').textContent.split(' / ')[0].replace(/,/g, ''));
              const visible = () => {
                const box = log.getBoundingClientRect();
                return [...log.querySelectorAll('.rows .row:not(.marker)')]
                  .filter((r) => { const b = r.getBoundingClientRect(); return b.top >= box.top - 1 && b.bottom <= box.bottom + 1; })
                  .map((r) => Number(r.querySelector('.msg').textContent.replace('line ', '')));
              };
              const windows = [visible()];
              let rows = 0;
              let lines = 0;
              const deadline = performance.now() + 150000;
              while (performance.now() < deadline) {
                log.scrollTop += (up ? -1 : 1) * Math.floor(log.clientHeight / 2);
                await frame();
                while (log.dataset.history === 'loading' && performance.now() < deadline) await frame();
                await frame();
                await frame();
                const shown = visible();
                windows.push(shown);
                rows = Math.max(rows, log.querySelectorAll('.rows .row').length);
                lines = Math.max(lines, held());
                if (shown.includes(until)) break;
              }
              return { windows, rows, lines };
            }
            """, new { up, until = int.Parse(until.Replace("line ", "")) });
        var windows = result.GetProperty("windows").EnumerateArray().Select(w => w.EnumerateArray().Select(n => n.GetInt32()).ToList()).ToList();
        return new Walk(windows, result.GetProperty("rows").GetInt32(), result.GetProperty("lines").GetInt32());
    }

    private sealed record Walk(List<List<int>> Windows, int MostRows, int MostLinesHeld);

    /// <summary>
    /// Each step's rows run on without a repeat or a hole, and each step meets the one before it: put together, the
    /// line numbers from <paramref name="from"/> to <paramref name="to"/>, every one exactly once, in order.
    /// </summary>
    private static void AssertEveryLineOnceInOrder(Walk walk, int from, int to, bool up)
    {
        var seen = new List<int>();
        foreach (var window in walk.Windows)
        {
            Assert.NotEmpty(window);
            for (var i = 1; i < window.Count; i++)
                Assert.True(window[i] == window[i - 1] + 1, $"rows {window[i - 1]} then {window[i]} on one screen");
            // Walking up, a step shows lines before those seen; walking down, after. It may not skip any.
            var steps = up ? window.AsEnumerable().Reverse() : window;
            foreach (var n in steps)
            {
                if (seen.Count > 0 && (up ? n >= seen[^1] : n <= seen[^1])) continue;
                if (seen.Count > 0) Assert.True(n == seen[^1] + (up ? -1 : 1), $"line {seen[^1]} then {n}: a line was skipped at a seam");
                seen.Add(n);
            }
        }
        if (up) seen.Reverse();
        Assert.Equal(from, seen[0]);
        Assert.Equal(to, seen[^1]);
        Assert.Equal(Enumerable.Range(from, to - from + 1), seen);
    }

    [Fact]
    public async Task Scrolling_back_fifty_thousand_lines_and_forward_again_shows_every_line_once_in_order()
    {
        await using var server = await ServeExistingFileAsync(60_000);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=app&max=1000", height: Height);
        await Expect(page.Line("line 60000")).ToBeInViewportAsync();

        var back = await WalkAsync(page, up: true, until: "line 10000");
        var forward = await WalkAsync(page, up: false, until: "line 60000");

        AssertEveryLineOnceInOrder(back, back.Windows[^1][0], 60_000, up: true);
        Assert.True(back.Windows[^1][0] <= 10_000);
        AssertEveryLineOnceInOrder(forward, forward.Windows[0][0], 60_000, up: false);
        Assert.True(forward.Windows[0][0] <= 10_100);
    }

    [Fact]
    public async Task The_rows_in_the_page_and_the_lines_held_stay_bounded_while_scrolling_back()
    {
        await using var server = await ServeExistingFileAsync(20_000);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=app&max=1000", height: Height);
        await Expect(page.Line("line 20000")).ToBeInViewportAsync();

        var back = await WalkAsync(page, up: true, until: "line 5000");

        // A screen of rows and the overscan on either side; three times the lines kept.
        Assert.InRange(back.MostRows, 1, 400);
        Assert.InRange(back.MostLinesHeld, 1000, 3000);
    }

    [Fact]
    public async Task Scrolling_to_the_top_shows_the_start_of_the_source()
    {
        await using var server = await ServeExistingFileAsync(3000);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=app&max=1000", height: Height);
        await Expect(page.Line("line 3000")).ToBeInViewportAsync();

        await WalkAsync(page, up: true, until: "line 1");

        await Expect(page.Page.Locator("#log .row.marker-start")).ToHaveTextAsync(new Regex("Start of app$"));
        await Expect(page.Page.Locator("#log .row.marker-start")).ToBeInViewportAsync();
        await Expect(page.Page.Locator("#log")).ToHaveAttributeAsync("data-history", "start");
    }

    [Fact]
    public async Task Scrolling_down_from_far_back_to_the_live_end_follows_new_lines_again()
    {
        await using var server = await ServeExistingFileAsync(10_000);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=app&max=1000", height: Height);
        await Expect(page.Line("line 10000")).ToBeInViewportAsync();
        await WalkAsync(page, up: true, until: "line 2000");
        await Expect(page.Page.Locator("#log")).ToHaveAttributeAsync("data-history", "detached");
        await Expect(page.Page.Locator("#jump")).ToHaveTextAsync("Back to live");

        await WalkAsync(page, up: false, until: "line 10000");
        await page.Page.Locator("#log").HoverAsync();
        await page.Page.Mouse.WheelAsync(0, 100_000);
        await Expect(page.Page.Locator("#jump")).ToBeHiddenAsync();
        await File.AppendAllTextAsync(server.Folder.PathOf("app.log"), "line 10001\n");

        await Expect(page.Line("line 10001")).ToBeInViewportAsync();
        Assert.Equal(1, await page.Line("line 10000").CountAsync());
    }

    [Fact]
    public async Task With_several_sources_shown_scrolling_back_says_it_needs_one_source()
    {
        await using var site = await TailHubSite.StartAsync("app", "db");
        site.WriteLines("app", Enumerable.Range(1, 300).Select(i => $"line {i}"));
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app,db");
        await Expect(page.Line("line 300")).ToBeInViewportAsync();

        await page.Page.Locator("#log").HoverAsync();
        await page.Page.Mouse.WheelAsync(0, -100_000);

        await Expect(page.Page.Locator("#link-status")).ToHaveTextAsync("Scrolling back into history needs one source: pick one.");
        await Expect(page.Markers.Filter(new() { HasText = "Start of" })).ToHaveCountAsync(0);
    }
}
