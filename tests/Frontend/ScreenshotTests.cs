using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture browser)
{
    private const string Esc = "\u001b";

    /// <summary>
    /// Set (to 1) to refresh the README's <c>docs/screenshot.png</c>; otherwise the screenshot goes to a temporary
    /// file, so a test run leaves the working tree as it was.
    /// </summary>
    public const string WriteToDocsVariable = "TAILHUB_WRITE_SCREENSHOT";

    [Fact]
    public async Task A_screenshot_of_the_page_with_realistic_lines_is_taken()
    {
        await using var site = await TailHubSite.StartAsync("api", "worker", "nginx");
        await using var page = await LogPage.OpenAsync(browser, site, "?ts=1", ColorScheme.Dark);

        (string Source, string Line)[] lines =
        [
            ("api", "2026-11-22T12:00:01.112Z info: Microsoft.Hosting.Lifetime[14] Now listening on: http://[::]:8080"),
            ("worker", $"{Esc}[2m12:00:01{Esc}[0m {Esc}[32m✔{Esc}[0m connected to {Esc}[1mredis://cache:6379{Esc}[0m"),
            ("nginx", "10.0.3.17 - - [22/Nov/2026:12:00:01 +0000] \"GET /orders/1842 HTTP/1.1\" 200 1532 \"-\" \"Mozilla/5.0\""),
            ("api", "2026-11-22T12:00:01.480Z info: Orders.Api.OrderController[0] GET /orders/1842 responded 200 in 12.4 ms"),
            ("worker", $"{Esc}[2m12:00:02{Esc}[0m {Esc}[32m✔{Esc}[0m job {Esc}[1minvoice.render{Esc}[0m finished in {Esc}[36m840ms{Esc}[0m"),
            ("worker", $"{Esc}[2m12:00:02{Esc}[0m {Esc}[33mWARN{Esc}[0m queue {Esc}[1memails{Esc}[0m depth 1,204 above threshold 1,000"),
            ("nginx", "10.0.3.22 - - [22/Nov/2026:12:00:02 +0000] \"POST /checkout HTTP/1.1\" 502 157 \"-\" \"okhttp/4.12\""),
            ("api", "2026-11-22T12:00:02.731Z fail: Orders.Api.CheckoutController[0] POST /checkout failed: payment gateway timeout after 30000 ms"),
            ("api", "2026-11-22T12:00:02.733Z dbug: Orders.Api.Retry[3] scheduling retry 1 of 3 in 250 ms"),
            ("worker", $"{Esc}[2m12:00:03{Esc}[0m {Esc}[38;5;208m↻{Esc}[0m retrying {Esc}[1mpayment.capture{Esc}[0m (attempt 2/3)"),
            ("worker", $"{Esc}[2m12:00:03{Esc}[0m {Esc}[41;97m ERROR {Esc}[0m {Esc}[31mpayment.capture failed: card_declined{Esc}[0m"),
            ("nginx", "10.0.3.17 - - [22/Nov/2026:12:00:03 +0000] \"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\""),
            ("api", "2026-11-22T12:00:03.050Z info: Orders.Api.OrderController[0] GET /orders/1843 responded 200 in 9.8 ms"),
            ("api", "2026-11-22T12:00:03.212Z warn: Orders.Api.RateLimiter[0] client 10.0.3.22 is at 92% of its quota"),
            ("worker", $"{Esc}[2m12:00:03{Esc}[0m {Esc}[34mDEBUG{Esc}[0m heartbeat sent to {Esc}[4mscheduler-0{Esc}[0m"),
            ("nginx", "10.0.3.31 - - [22/Nov/2026:12:00:04 +0000] \"GET /orders?page=2 HTTP/1.1\" 200 8812 \"-\" \"Mozilla/5.0\""),
        ];
        // One at a time, each waited for, so the sources interleave as they would live.
        foreach (var (source, line) in lines)
        {
            site[source].WriteLine(line);
            await Expect(page.Lines).ToHaveCountAsync(Array.IndexOf(lines, (source, line)) + 1);
        }
        await page.Page.Locator("#filter").FocusAsync();

        var toDocs = Environment.GetEnvironmentVariable(WriteToDocsVariable) == "1";
        using var scratch = new Support.TempFolder();
        var path = toDocs ? Path.Combine(RepoRoot(), "docs", "screenshot.png") : scratch.PathOf("screenshot.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });

        Assert.True(new FileInfo(path).Length > 10_000, "the screenshot is suspiciously small");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TailHub.csproj"))) return dir.FullName;
        throw new InvalidOperationException("TailHub.csproj not found above " + AppContext.BaseDirectory);
    }
}
