using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TailHub.Tests.Sources.Command;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The page with a command source: stderr apart, the run picker, and Start/Cancel for operators.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunsPageTests(BrowserFixture browser)
{
    private const string Query = $"?sources={CommandSource.Name}";

    private static ILocator Row(LogPage page, string text) =>
        page.Page.Locator("#log .row").Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(text)}$") });

    [Fact]
    public async Task Stderr_lines_are_shown_apart_and_as_text()
    {
        await using var job = await CommandSource.StartAsync("echo '<b>to stdout</b>'; sleep 0.05; echo '<img src=x onerror=alert(1)>' >&2");
        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, Query);

        await page.Page.Locator("#run-start").ClickAsync();

        await Expect(Row(page, "<img src=x onerror=alert(1)>")).ToHaveClassAsync(new Regex(@"\bstderr\b"));
        await Expect(Row(page, "<b>to stdout</b>")).Not.ToHaveClassAsync(new Regex(@"\bstderr\b"));
        Assert.Equal(0, await page.Page.Locator("#log img, #log b").CountAsync());
        Assert.Empty(page.Dialogs);
    }

    [Fact]
    public async Task The_run_picker_shows_each_runs_result_and_the_latest_run_by_default()
    {
        await using var job = await CommandSource.StartAsync("""echo "output of a run exiting $CODE"; exit $CODE""", new() { ["Parameters:CODE"] = "[0-9]" });
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["CODE"] = "2" }));
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["CODE"] = "0" }));

        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, Query);

        await Expect(page.Page.Locator("#run-picker option")).ToHaveTextAsync(["#2 succeeded", "#1 failed (exit 2)"]);
        await Expect(page.Line("output of a run exiting 0")).ToBeVisibleAsync();
        await Expect(page.Line("output of a run exiting 2")).ToHaveCountAsync(0);

        await page.Page.Locator("#run-picker").SelectOptionAsync("1");

        await Expect(page.Line("output of a run exiting 2")).ToBeVisibleAsync();
        await Expect(page.Line("output of a run exiting 0")).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 failed (exit 2)");
    }

    [Fact]
    public async Task Following_the_latest_the_page_moves_to_a_new_run_as_it_starts()
    {
        await using var job = await CommandSource.StartAsync("""echo "this is run $$" """);
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));
        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, Query);
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 succeeded");

        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name));

        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#2 succeeded");
        await Expect(page.Lines).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_link_to_a_line_of_an_older_run_opens_that_run_at_the_line()
    {
        await using var job = await CommandSource.StartAsync("""echo "run $N begins"; echo "run $N ends" """, new() { ["Parameters:N"] = "[0-9]" });
        var first = await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["N"] = "1" }));
        await job.Runs.EndedAsync(CommandSource.Name, await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["N"] = "2" }));
        var epoch = Regex.Match(first.GetProperty("cursor").GetString()!, "@([^=]+)=").Groups[1].Value;
        // Run #1's start notice, then its two lines.
        var ends = first.GetProperty("firstSeq").GetInt64() + 2;

        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, $"{Query}#line={CommandSource.Name}@{epoch}={ends}");

        await Expect(Row(page, "run 1 ends")).ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 succeeded");
        await Expect(page.Line("run 2 ends")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_operator_starts_and_cancels_a_run_from_the_page()
    {
        await using var job = await CommandSource.StartAsync("echo ready; sleep 60");
        await using var page = await LogPage.OpenAsync(browser, job.Server.BaseAddress, Query);

        await page.Page.Locator("#run-start").ClickAsync();
        await Expect(page.Line("ready")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 running");
        await page.Page.Locator("#run-cancel").ClickAsync();

        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 cancelled (SIGTERM)");
        await Expect(page.Page.Locator("#run-cancel")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_viewer_key_watches_runs_and_the_start_and_cancel_controls_go_away_when_the_server_says_403()
    {
        const string key = "a-viewer-key-for-the-runs-page";
        var folder = new TempFolder();
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), new Dictionary<string, string?>
        {
            ["TailHub:Sources:0:Name"] = CommandSource.Name,
            ["TailHub:Sources:0:Type"] = "command",
            ["TailHub:Sources:0:Command:0"] = Scripts.Write(folder, "job.sh", "echo hello"),
            ["TailHub:Security:ApiKeys:0:Id"] = "team",
            ["TailHub:Security:ApiKeys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            ["TailHub:Security:ApiKeys:0:Role"] = "viewer",
        }, folder);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/" + Query);
        await page.Locator("#auth-key").FillAsync(key);
        await page.Locator("#auth button").ClickAsync();
        await Expect(page.Locator("#runs")).ToBeVisibleAsync();

        await page.Locator("#run-start").ClickAsync();

        await Expect(page.Locator("#run-start")).ToBeHiddenAsync();
        await Expect(page.Locator("#run-cancel")).ToBeHiddenAsync();
        server.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Assert.Empty(await new RunsClient(server.Client).ListAsync(CommandSource.Name));
    }
}
