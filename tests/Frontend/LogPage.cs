using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>TailHub's page in a fresh browser context, with what it did that a test may need to check.</summary>
public sealed class LogPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private LogPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") ConsoleErrors.Add(message.Text); };
    }

    public IPage Page { get; }

    /// <summary>Every alert/confirm/prompt the page opened.</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Uncaught exceptions in the page.</summary>
    public List<string> PageErrors { get; } = [];

    public List<string> ConsoleErrors { get; } = [];

    /// <summary>The message cells of log rows (not markers) in the DOM.</summary>
    public ILocator Lines => Page.Locator("#log .row:not(.marker) .msg");

    public ILocator Markers => Page.Locator("#log .row.marker");

    /// <summary>The message cell whose whole text is <paramref name="text"/>.</summary>
    public ILocator Line(string text) => Lines.Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(text)}$") });

    /// <summary>The whole row (with its marks: selected, target) whose message is <paramref name="text"/>.</summary>
    public ILocator Row(string text) =>
        Page.Locator("#log .row", new() { Has = Page.Locator(".msg", new() { HasTextRegex = new Regex($"^{Regex.Escape(text)}$") }) });

    /// <summary>Opens the page at <paramref name="query"/> (e.g. <c>?sources=app</c>) and waits until its stream is live.</summary>
    public static Task<LogPage> OpenAsync(BrowserFixture browser, TailHubSite site, string query = "", ColorScheme scheme = ColorScheme.Light) =>
        OpenAsync(browser, site.BaseAddress, query, scheme);

    /// <summary>Opens the page served at <paramref name="baseAddress"/> (the server, or a proxy in front of it, at the root or under a path ending in '/').</summary>
    public static async Task<LogPage> OpenAsync(BrowserFixture browser, Uri baseAddress, string query = "", ColorScheme scheme = ColorScheme.Light, int height = 720)
    {
        var logPage = await OpenUnconnectedAsync(browser, baseAddress, query, scheme, height: height);
        await Expect(logPage.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        return logPage;
    }

    /// <summary>Opens the page without waiting for its stream (which may be refused), in a window <paramref name="width"/> wide.</summary>
    public static async Task<LogPage> OpenUnconnectedAsync(BrowserFixture browser, Uri baseAddress, string query = "", ColorScheme scheme = ColorScheme.Light, int width = 1280, int height = 720)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
        });
        var page = await context.NewPageAsync();
        var logPage = new LogPage(context, page);
        // Resolved against the address itself, so a page under a sub-path (a proxy's /logs/) stays there.
        await page.GotoAsync(new Uri(baseAddress, query).AbsoluteUri);
        return logPage;
    }

    /// <summary>Texts of the log rows now in the DOM, in order.</summary>
    public Task<IReadOnlyList<string>> LineTextsAsync() => Lines.AllTextContentsAsync();

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
