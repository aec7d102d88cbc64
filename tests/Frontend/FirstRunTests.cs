using System.Text.RegularExpressions;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>What a new user sees first: TailHub's own log (the shipped default) or a source with nothing in it yet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstRunTests(BrowserFixture browser)
{
    [Fact]
    public async Task Looking_at_TailHubs_own_log_the_page_says_how_to_follow_your_own_logs()
    {
        var folder = new TempFolder();
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["logs"] = "own/*.log" },
            new Dictionary<string, string?>
            {
                ["TailHub:LogFile"] = folder.PathOf("own/tailhub.log"),
                ["Logging:LogLevel:Default"] = "Information",
            },
            folder);
        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, "?sources=logs");

        await Expect(page.Lines.Filter(new() { HasText = "Now listening on" })).ToHaveCountAsync(1);
        var hint = page.Page.Locator("#setup-hint");
        await Expect(hint).ToBeVisibleAsync();
        await Expect(hint).ToContainTextAsync("This is TailHub’s own log.");
        await Expect(hint).ToContainTextAsync("--source app=/path/to/app.log");
        await Expect(hint).ToContainTextAsync("appsettings.json");
    }

    [Fact]
    public async Task A_view_with_no_lines_says_how_to_follow_your_own_logs_until_lines_arrive()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        var hint = page.Page.Locator("#setup-hint");
        await Expect(hint).ToBeVisibleAsync();
        await Expect(hint).ToContainTextAsync(new Regex(@"No lines yet\..*--source app=/path/to/app\.log", RegexOptions.Singleline));
        site["app"].WriteLine("hello");

        await Expect(page.Line("hello")).ToBeVisibleAsync();
        await Expect(hint).ToBeHiddenAsync();
    }
}
