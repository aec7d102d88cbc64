using System.Text.RegularExpressions;
using TailHub.Tests.Sources.Command;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>
/// Issue 12's "done when", as a user does it: a finished build's log of two million lines is opened, read from its
/// top, searched for its first error, linked to, and downloaded.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FinishedBuildLogTests(BrowserFixture browser)
{
    private const int Lines = 2_000_000;
    private const int FirstError = 1_234_567;

    private static readonly string Build =
        $$"""awk 'BEGIN { for (i = 1; i <= {{Lines}}; i++) print (i == {{FirstError}} || i == {{FirstError + 500_000}} ? "step " i " ERROR compiler crashed" : "step " i " ok") }'""";

    [Fact]
    public async Task A_finished_build_of_two_million_lines_is_read_from_its_top_searched_linked_to_and_downloaded()
    {
        await using var job = await CommandSource.StartAsync(Build);
        var run = await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        Assert.Equal("succeeded", CommandSource.State(run));
        // The run's start notice comes first: its line n is sequence firstSeq + n.
        var firstSeq = run.GetProperty("firstSeq").GetInt64();
        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, $"?sources={CommandSource.Name}");
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 succeeded");
        await Expect(page.Line($"step {Lines} ok")).ToBeAttachedAsync();

        // The top (Home): line 1 of the build, read back from history.
        await page.Page.Locator("#log").FocusAsync();
        await page.Page.Keyboard.PressAsync("Home");
        await Expect(page.Line("step 1 ok")).ToBeInViewportAsync();

        // The first error, found by searching the whole log, not only the lines held.
        await page.Page.Keyboard.PressAsync("s");
        await page.Page.Locator("#search-q").FillAsync("ERROR");
        await page.Page.Locator("#search-go").ClickAsync();
        var hits = page.Page.Locator("#search-hits .hit");
        await Expect(hits).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await hits.First.ClickAsync();
        var error = $"step {FirstError} ERROR compiler crashed";
        await Expect(page.Row(error)).ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Expect(page.Line(error)).ToBeInViewportAsync();

        // Its link opens another browser at that line.
        await Expect(page.Page).ToHaveURLAsync(new Regex($@"#line={CommandSource.Name}@[^=]+={firstSeq + FirstError}$"));
        await using (var shared = await LogPage.OpenAsync(browser, job.Server.BaseAddress, new Uri(page.Page.Url).PathAndQuery + new Uri(page.Page.Url).Fragment))
        {
            await Expect(shared.Row(error)).ToHaveClassAsync(new Regex(@"\bselected\b"));
            await Expect(shared.Line(error)).ToBeInViewportAsync();
        }

        // The download holds the whole build, in order.
        await page.Page.Locator("#download-more").ClickAsync();
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#download-run").ClickAsync(), new() { Timeout = 120_000 });
        var count = 0;
        using (var reader = new StreamReader(await download.PathAsync()))
        {
            for (var line = await reader.ReadLineAsync(); line is not null; line = await reader.ReadLineAsync())
            {
                if (!line.StartsWith("step ", StringComparison.Ordinal)) continue;
                count++;
                Assert.StartsWith($"step {count} ", line);
            }
        }
        Assert.Equal(Lines, count);
    }
}
