using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

[Collection(BrowserCollection.Name)]
public sealed class RenderingTests(BrowserFixture browser)
{
    private const string Esc = "\u001b";

    private static ILocator Run(LogPage page, string text) =>
        page.Page.Locator("#log .msg span").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{text}$") });

    [Fact]
    public async Task Ansi_colours_and_styles_render_as_styled_text_without_the_escape_codes()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site["app"].WriteLine(
            $"{Esc}[31mred{Esc}[0m {Esc}[1;4mbold{Esc}[0m {Esc}[38;5;208morange{Esc}[0m " +
            $"{Esc}[38;2;10;20;30mdeep{Esc}[0m {Esc}[44;97mbanner{Esc}[0m plain");

        await Expect(page.Line("red bold orange deep banner plain")).ToBeVisibleAsync();
        await Expect(Run(page, "red")).ToHaveCSSAsync("color", "rgb(196, 38, 46)");
        await Expect(Run(page, "bold")).ToHaveCSSAsync("font-weight", "700");
        await Expect(Run(page, "bold")).ToHaveCSSAsync("text-decoration-line", "underline");
        await Expect(Run(page, "orange")).ToHaveCSSAsync("color", "rgb(255, 135, 0)");
        await Expect(Run(page, "deep")).ToHaveCSSAsync("color", "rgb(10, 20, 30)");
        await Expect(Run(page, "banner")).ToHaveCSSAsync("background-color", "rgb(5, 80, 174)");
        // Bright white (a mid grey on a light theme) is lightened until it reads on blue.
        await Expect(Run(page, "banner")).ToHaveCSSAsync("color", "rgb(197, 202, 207)");
    }

    [Fact]
    public async Task Log_levels_are_highlighted()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site.WriteLines("app", ["12:00:01 ERROR db down", "12:00:02 [wrn] slow", "level=debug tick", "12:00:03 FATAL gone", "plain"]);

        await Expect(page.Line("plain")).ToBeVisibleAsync();
        var row = (string text) => page.Page.Locator("#log .row").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(text)}$") });
        await Expect(row("12:00:01 ERROR db down")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blv-error\b"));
        await Expect(row("12:00:02 [wrn] slow")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blv-warn\b"));
        await Expect(row("level=debug tick")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blv-debug\b"));
        await Expect(row("12:00:03 FATAL gone")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blv-fatal\b"));
        await Expect(row("plain")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\blv-"));
    }

    [Fact]
    public async Task Html_in_log_lines_is_shown_as_literal_text_and_runs_nothing()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        string[] hostile =
        [
            "<img src=x onerror=alert(1)>",
            "</script><script>alert(2)</script>",
            "<b onmouseover=alert(3)>hover</b> &amp; &lt;",
            "<svg/onload=alert(4)>",
        ];

        site.WriteLines("app", [.. hostile, $"{Esc}[31m<img src=y onerror=alert(5)>{Esc}[0m", "end"]);

        await Expect(page.Line("end")).ToBeVisibleAsync();
        Assert.Equal([.. hostile, "<img src=y onerror=alert(5)>", "end"], await page.LineTextsAsync());
        await Expect(page.Page.Locator("#log img, #log script, #log svg, #log b")).ToHaveCountAsync(0);
        await page.Page.Locator("#log").HoverAsync();
        Assert.Empty(page.Dialogs);
        Assert.Empty(page.PageErrors);
    }

    [Fact]
    public async Task The_page_runs_under_a_strict_content_security_policy_without_violations()
    {
        await using var site = await TailHubSite.StartAsync("app");
        var response = await site.Server.Client.GetAsync("/");
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        var problem = await site.Server.Client.GetAsync("/api/sources/no-such-source");
        Assert.Contains("frame-ancestors 'none'", string.Join(" ", problem.Headers.GetValues("Content-Security-Policy")));

        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");
        site["app"].WriteLine($"{Esc}[38;2;1;2;3mtrue colour{Esc}[0m");
        await Expect(page.Line("true colour")).ToBeVisibleAsync();
        await Expect(Run(page, "true colour")).ToHaveCSSAsync("color", "rgb(1, 2, 3)");

        Assert.DoesNotContain(page.ConsoleErrors, e => e.Contains("Content Security Policy"));
        Assert.Empty(page.PageErrors);
    }
}
