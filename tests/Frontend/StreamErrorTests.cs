using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>A stream the server refuses is said in the page, with the server's reason and what to do.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StreamErrorTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_backlog_larger_than_the_server_keeps_is_shown_with_its_reason_and_what_to_change()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenUnconnectedAsync(browser, site.BaseAddress, "?sources=app&backlog=999999");

        var error = page.Page.Locator("#stream-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("Invalid backlog (HTTP 400)");
        await Expect(error).ToContainTextAsync("backlog must be a whole number from 0 to 1000");
        await Expect(error).ToContainTextAsync("Lower backlog= in the address");
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "error");
    }

    [Fact]
    public async Task Too_many_streams_from_this_client_is_shown_and_the_page_connects_once_one_is_closed()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?> { ["TailHub:Limits:MaxViewersPerClient"] = "1", ["TailHub:Limits:RetryAfterSeconds"] = "1" },
            folder);
        var other = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app");
        await using var page = await LogPage.OpenUnconnectedAsync(browser, server.BaseAddress, "?sources=app");

        var error = page.Page.Locator("#stream-error");
        await Expect(error).ToContainTextAsync("Too many streams from this client (HTTP 429)");
        await Expect(error).ToContainTextAsync("Close TailHub tabs or other streams");
        await Expect(error).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Retrying in \d+ s\."));
        await other.DisposeAsync();

        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        await Expect(error).ToBeHiddenAsync();
    }
}
