using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The page on a live source of structured lines: level chips, JSON opened as a tree, logfmt keys, field columns.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StructuredLinesTests(BrowserFixture browser)
{
    private const string Json = """{"level":"error","msg":"<img src=x onerror=alert(1)>","http":{"status":503,"path":"/api/orders"},"tags":["a","b"]}""";

    private static readonly string[] Mixed =
    [
        "2024-03-05 14:22:31,001 INFO started",
        "WARN slow disk",
        "ERROR boom",
        "plain words",
        """{"level":"fatal","msg":"gone"}""",
    ];

    private static async Task<(TailHubSite, LogPage)> OpenWithLinesAsync(BrowserFixture browser, string[] lines, string query = "?sources=app")
    {
        var site = await TailHubSite.StartAsync("app");
        var page = await LogPage.OpenAsync(browser, site, query);
        site.WriteLines("app", lines);
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync($"{lines.Length} / 10,000 lines held");
        return (site, page);
    }

    private static ILocator Chip(LogPage page, string level) => page.Page.Locator($"#levels [data-level=\"{level}\"]");

    /// <summary>The row of the line whose text starts with <paramref name="start"/>.</summary>
    private static ILocator Row(LogPage page, string start) =>
        page.Page.Locator("#log .row:not(.marker)").Filter(new() { Has = page.Page.Locator(".msg", new() { HasTextRegex = new Regex("^" + Regex.Escape(start)) }) });

    [Fact]
    public async Task Level_chips_show_only_the_chosen_levels_and_are_kept_in_the_url()
    {
        var (site, page) = await OpenWithLinesAsync(browser, Mixed);
        await using var _ = site;
        await using var __ = page;

        await Chip(page, "error").ClickAsync();
        await Expect(page.Lines).ToHaveTextAsync(["ERROR boom"]);
        await Chip(page, "fatal").ClickAsync();
        await Expect(page.Lines).ToHaveTextAsync(["ERROR boom", Mixed[4]]);
        await Expect(Chip(page, "fatal")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Page).ToHaveURLAsync(new Regex(@"[?&]lv=error%2Cfatal"));

        // The link reopens the same view.
        await using var again = await LogPage.OpenAsync(browser, new Uri(page.Page.Url));
        await Expect(again.Lines).ToHaveTextAsync(["ERROR boom", Mixed[4]]);
        await Expect(Chip(again, "error")).ToHaveAttributeAsync("aria-pressed", "true");

        await Chip(page, "error").ClickAsync();
        await Chip(page, "fatal").ClickAsync();
        await Expect(page.Lines).ToHaveCountAsync(Mixed.Length);
    }

    [Fact]
    public async Task With_server_filtering_on_the_stream_asks_for_the_lowest_chosen_level()
    {
        await using var site = await TailHubSite.StartAsync("app");
        await using var page = await LogPage.OpenAsync(browser, site, "?sources=app&grep=1&lv=warn,error");
        site.WriteLines("app", Mixed);
        await Expect(page.Lines).ToHaveTextAsync(["WARN slow disk", "ERROR boom"]);
        // The server sent only those: the stream asked for warn and above.
        await Expect(page.Page.Locator("#held")).ToHaveTextAsync("3 / 10,000 lines held");
        var streams = new List<string>();
        page.Page.Request += (_, request) => { if (request.Url.Contains("api/stream")) lock (streams) streams.Add(request.Url); };

        await Chip(page, "warn").ClickAsync();

        await Expect(page.Lines).ToHaveTextAsync(["ERROR boom"]);
        await Expect(page.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        lock (streams) Assert.Contains(streams, url => url.Contains("level=error"));
        site.WriteLines("app", ["WARN not sent", "ERROR sent"]);
        await Expect(page.Line("ERROR sent")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_json_line_opens_as_a_pretty_tree_of_text_when_clicked()
    {
        var (site, page) = await OpenWithLinesAsync(browser, ["plain before", Json]);
        await using var _ = site;
        await using var __ = page;
        var row = Row(page, Json);
        await Expect(row.Locator(".msg .j-k").First).ToHaveTextAsync("\"level\"");
        await Expect(row).ToHaveClassAsync(new Regex(@"\blv-error\b"));
        // Nothing is built for a line nobody opened.
        await Expect(page.Page.Locator("#details .tree")).ToHaveCountAsync(0);

        await row.Locator(".xp").ClickAsync();

        var details = page.Page.Locator("#details");
        await Expect(details).ToBeVisibleAsync();
        await Expect(details.Locator(".tree-leaf").Filter(new() { HasText = "\"msg\"" })).ToHaveTextAsync("\"msg\": \"<img src=x onerror=alert(1)>\"");
        await Expect(details.Locator(".tree-leaf").Filter(new() { HasText = "\"status\"" })).ToHaveTextAsync("\"status\": 503");
        await Expect(details.Locator("summary").Filter(new() { HasText = "\"tags\"" })).ToHaveTextAsync("\"tags\": [ 2 ]");
        await Expect(details.Locator("img")).ToHaveCountAsync(0);
        Assert.Empty(page.Dialogs);

        await page.Page.Keyboard.PressAsync("Escape");
        await Expect(details).ToBeHiddenAsync();
        // A plain line has nothing to open.
        await Expect(Row(page, "plain before").Locator(".xp")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Logfmt_keys_are_highlighted()
    {
        var (site, page) = await OpenWithLinesAsync(browser, ["level=warn msg=\"disk almost full\" free=3% checked"]);
        await using var _ = site;
        await using var __ = page;

        var row = Row(page, "level=warn");
        await Expect(row.Locator(".lf-k")).ToHaveTextAsync(["level", "msg", "free"]);
        await Expect(row).ToHaveClassAsync(new Regex(@"\blv-warn\b"));
        await Expect(page.Line("level=warn msg=\"disk almost full\" free=3% checked")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_chosen_field_is_shown_as_a_column_and_kept_in_the_url()
    {
        var (site, page) = await OpenWithLinesAsync(browser, [Json, "level=info http.status=200 msg=ok", "plain words"]);
        await using var _ = site;
        await using var __ = page;

        await page.Page.Locator("#fields-button").ClickAsync();
        await page.Page.Locator("#fields-menu input[value=\"http.status\"]").CheckAsync();

        await Expect(page.Page.Locator("#log .row .fld")).ToHaveTextAsync(["503", "200", ""]);
        await Expect(page.Page).ToHaveURLAsync(new Regex(@"[?&]fields=http\.status"));
        await using var again = await LogPage.OpenAsync(browser, new Uri(page.Page.Url));
        await Expect(again.Page.Locator("#log .row .fld")).ToHaveTextAsync(["503", "200", ""]);
        await Expect(again.Page.Locator("#fields-button")).ToHaveTextAsync("Fields (1)");
    }
}
