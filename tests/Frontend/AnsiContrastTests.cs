using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>Every foreground/background pair of the 16-colour ANSI palette (and the theme's defaults) stays readable: WCAG AA, 4.5:1.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AnsiContrastTests(BrowserFixture browser)
{
    private const string Esc = "\u001b";

    private static readonly int[] Foregrounds = [39, .. Enumerable.Range(30, 8), .. Enumerable.Range(90, 8)];
    private static readonly int[] Backgrounds = [49, .. Enumerable.Range(40, 8), .. Enumerable.Range(100, 8)];

    // Contrast of each piece of text in the log against what is behind it, from the browser's computed styles.
    private const string MeasureContrast = """
        () => {
          const parse = (c) => c.match(/[\d.]+/g).map(Number);
          const lin = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
          const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
          const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
          const behind = (el) => {
            for (let e = el; e; e = e.parentElement) {
              const c = parse(getComputedStyle(e).backgroundColor);
              if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
            }
            return [255, 255, 255];
          };
          const out = [];
          for (const msg of document.querySelectorAll('#log .row:not(.marker) .msg')) {
            const walker = document.createTreeWalker(msg, NodeFilter.SHOW_TEXT);
            for (let n; (n = walker.nextNode());) {
              const text = n.textContent.trim();
              if (!text) continue;
              const el = n.parentElement;
              out.push({ text, ratio: ratio(parse(getComputedStyle(el).color).slice(0, 3), behind(el)) });
            }
          }
          return out;
        }
        """;

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Every_ansi_foreground_on_every_ansi_background_has_a_contrast_of_at_least_4_5(ColorScheme scheme)
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app", scheme);

        site.WriteLines("app", Foregrounds.Select(fg => string.Join(" ", Backgrounds.Select(bg => $"{Esc}[{fg};{bg}mf{fg}b{bg}{Esc}[0m"))));
        await Expect(page.Lines).ToHaveCountAsync(Foregrounds.Length);

        var measured = (await page.Page.EvaluateAsync<JsonElement>(MeasureContrast)).EnumerateArray()
            .Select(m => (Text: m.GetProperty("text").GetString()!, Ratio: m.GetProperty("ratio").GetDouble())).ToList();
        Assert.Equal(Foregrounds.Length * Backgrounds.Length, measured.Count);
        var unreadable = measured.Where(m => m.Ratio < 4.5).Select(m => $"{m.Text} {m.Ratio:0.00}:1").ToList();
        Assert.True(unreadable.Count == 0, $"{unreadable.Count} pairs below 4.5:1 in the {scheme} theme: {string.Join(", ", unreadable)}");
    }

    [Fact]
    public async Task White_on_red_the_usual_failed_badge_is_readable()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app");

        site["app"].WriteLine($"{Esc}[41;37mFAILED{Esc}[0m tests/orders.spec");
        await Expect(page.Line("FAILED tests/orders.spec")).ToBeVisibleAsync();

        var badge = (await page.Page.EvaluateAsync<JsonElement>(MeasureContrast)).EnumerateArray().Single(m => m.GetProperty("text").GetString() == "FAILED");
        Assert.InRange(badge.GetProperty("ratio").GetDouble(), 4.5, 21);
    }
}
