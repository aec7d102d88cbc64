using Microsoft.Playwright;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static TailHub.Tests.Support.ScaleOutNodes;

namespace TailHub.Tests.Frontend;

/// <summary>The page served by a hub: an agent's source live, a clear state while Redis is down, and recovery without a lost line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScaleOutPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_hubs_page_says_the_source_is_in_error_while_redis_is_down_and_recovers_with_every_line()
    {
        await using var redis = await RedisServer.StartAsync();
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var agent = await StartAgentAsync(redis, new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);
        await using var hub = await StartHubAsync(redis);
        await hub.WaitForSourceAsync("app", s => s.GetProperty("state").GetString() == "following");
        await using var page = await LogPage.OpenAsync(browser, hub.BaseAddress, "?sources=app");
        using var log = new LogWriter(folder.PathOf("app.log"));
        var slow = new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 };
        var chip = page.Page.Locator("#sources .chip", new() { HasText = "app" });

        log.WriteLine("before the outage");
        await Expect(page.Line("before the outage")).ToBeVisibleAsync();
        await redis.StopAsync();
        await Expect(chip).ToHaveAttributeAsync("data-state", "error", slow);
        var title = await chip.GetAttributeAsync("title");
        log.WriteLine("during the outage");
        await redis.StartAgainAsync();
        await Expect(chip).ToHaveAttributeAsync("data-state", "following", slow);
        await Expect(page.Line("during the outage")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        Assert.Contains("Redis", title);
        Assert.Equal(["before the outage", "during the outage"], await page.LineTextsAsync());
    }
}
