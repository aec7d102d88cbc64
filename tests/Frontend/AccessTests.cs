using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserFixture browser)
{
    private const string Key = "a-viewer-key-for-the-page-test";

    [Fact]
    public async Task With_api_keys_on_the_page_asks_for_a_key_then_streams_through_a_stream_token()
    {
        var folder = new TempFolder();
        var writer = new LogWriter(folder.PathOf("app.log"), append: false);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));
        await using var server = await TailHubServer.StartAsync(
            new Dictionary<string, string> { ["app"] = "app.log" },
            new Dictionary<string, string?>
            {
                ["TailHub:Security:ApiKeys:0:Id"] = "team",
                ["TailHub:Security:ApiKeys:0:Sha256"] = hash,
                ["TailHub:Security:ApiKeys:0:Role"] = "viewer",
            },
            folder);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var streamUrls = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/api/stream?")) streamUrls.Add(request.Url); };

        await page.GotoAsync("/?sources=app");
        await Expect(page.Locator("#auth")).ToBeVisibleAsync();
        await page.Locator("#auth-key").FillAsync(Key);
        await page.Locator("#auth button").ClickAsync();
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        writer.WriteLine("visible only with a key");

        await Expect(page.Locator("#log .row:not(.marker) .msg", new() { HasText = "visible only with a key" })).ToBeVisibleAsync();
        Assert.All(streamUrls, url => Assert.Contains("token=", url));
        Assert.All(streamUrls, url => Assert.DoesNotContain(Key, url));
        writer.Dispose();
    }
}
