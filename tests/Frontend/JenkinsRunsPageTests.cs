using System.Text.Json;
using TailHub.Tests.Sources.Jenkins;
using TailHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TailHub.Tests.Frontend;

/// <summary>The page with a Jenkins source: its builds in the run picker, each readable, no Start/Cancel.</summary>
[Collection(BrowserCollection.Name)]
public sealed class JenkinsRunsPageTests(BrowserFixture browser)
{
    private const string Query = "?sources=ci";

    private static async Task<TailHubServer> StartTailHubAsync(FakeJenkins jenkins, FakeJenkinsJob job, bool follow = false)
    {
        var folder = new TempFolder();
        var settings = jenkins.SourceSettings(folder, job.FullName);
        settings["TailHub:Sources:0:Follow"] = follow ? "true" : "false";
        return await TailHubServer.StartAsync(new Dictionary<string, string>(), settings, folder);
    }

    private static async Task UntilRunsEndedAsync(TailHubServer server, int count)
    {
        var runs = new RunsClient(server.Client);
        await Eventually.Async(() =>
        {
            var list = runs.ListAsync("ci").GetAwaiter().GetResult();
            return list.Count == count && list.All(r => r.GetProperty("lastSeq").ValueKind == JsonValueKind.Number);
        }, $"{count} ended runs", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_run_picker_lists_the_builds_and_picking_an_older_one_shows_its_lines()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("team/app");
        string[] results = ["FAILURE", "UNSTABLE", "SUCCESS"];
        foreach (var (result, n) in results.Select((r, i) => (r, i + 1)))
        {
            var build = jenkins.StartBuild(job);
            build.Append($"output of build {n}\n");
            build.Finish(result);
        }
        await using var server = await StartTailHubAsync(jenkins, job);
        await UntilRunsEndedAsync(server, 3);

        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, Query);

        await Expect(page.Page.Locator("#run-picker option")).ToHaveTextAsync(["#3 succeeded", "#2 unstable", "#1 failed"]);
        await Expect(page.Line("output of build 3")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#run-start")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#run-cancel")).ToBeHiddenAsync();

        await page.Page.Locator("#run-picker").SelectOptionAsync("1");

        await Expect(page.Line("output of build 1")).ToBeVisibleAsync();
        await Expect(page.Line("Finished: FAILURE")).ToBeVisibleAsync();
        await Expect(page.Line("output of build 3")).ToHaveCountAsync(0);
        await Expect(page.Line("output of build 2")).ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 failed");
    }

    [Fact]
    public async Task A_build_running_shows_as_running_and_then_as_its_result()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job);
        build.Append("compiling\n");
        await using var server = await StartTailHubAsync(jenkins, job, follow: true);
        await new RunsClient(server.Client).WaitForAsync("ci", 1, "running");

        await using var page = await LogPage.OpenAsync(browser, server.BaseAddress, Query);
        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 running");
        await Expect(page.Line("compiling")).ToBeVisibleAsync();

        build.Append("testing\n");
        build.Finish("ABORTED");

        await Expect(page.Page.Locator("#run-state")).ToHaveTextAsync("#1 aborted");
        await Expect(page.Line("testing")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#run-picker option")).ToHaveTextAsync(["#1 aborted"]);
    }
}
