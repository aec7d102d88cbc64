using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

/// <summary>A Jenkins source's builds as runs: listed by <c>/runs</c>, read one at a time by <c>run=N</c>, kept across restarts.</summary>
public sealed class JenkinsRunsTests
{
    private static readonly string[] Results = ["SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"];

    private static readonly Dictionary<string, string> States = new()
    {
        ["SUCCESS"] = "succeeded", ["FAILURE"] = "failed", ["UNSTABLE"] = "unstable", ["ABORTED"] = "aborted", ["NOT_BUILT"] = "not-built",
    };

    private static string ResultOf(int number) => Results[number % Results.Length];

    /// <summary>Builds 1..<paramref name="count"/>, finished, each with a few lines naming it and a result by its number.</summary>
    private static void FinishedBuilds(FakeJenkins jenkins, FakeJenkinsJob job, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            var build = jenkins.StartBuild(job);
            build.Append($"build {n} starts\nbuild {n} compiles\nbuild {n} tests\n");
            build.Finish(ResultOf(n));
        }
    }

    private static Task<TailHubServer> StartTailHubAsync(FakeJenkins jenkins, FakeJenkinsJob job, TempFolder data, bool follow = false)
    {
        var settings = jenkins.SourceSettings(data, job.FullName);
        settings["TailHub:Sources:0:Follow"] = follow ? "true" : "false";
        // The server's own folder is its own; the data directory is the test's, so a second TailHub can start on it.
        return TailHubServer.StartAsync(new Dictionary<string, string>(), settings, new TempFolder());
    }

    /// <summary>Polls the runs list until <paramref name="done"/> holds for it; returns it.</summary>
    private static async Task<List<JsonElement>> RunsWhenAsync(TailHubServer server, Func<List<JsonElement>, bool> done, string what)
    {
        var runs = new RunsClient(server.Client);
        List<JsonElement> list = [];
        await Eventually.Async(() =>
        {
            list = runs.ListAsync("ci").GetAwaiter().GetResult();
            return done(list);
        }, $"{what} (runs now: {string.Join(", ", list.Select(r => $"#{r.GetProperty("number")} {r.GetProperty("state")}"))})", TimeSpan.FromSeconds(30));
        return list;
    }

    private static bool Ended(JsonElement run) => run.GetProperty("lastSeq").ValueKind == JsonValueKind.Number;

    private static async Task<List<string>> RunLinesAsync(TailHubServer server, int number)
    {
        var page = await server.Client.PageAsync("ci", $"run={number}&limit=1000");
        Assert.True(page.AtEnd);
        return page.Lines.Select(l => l.Text).ToList();
    }

    private static List<string> ConsoleLines(FakeJenkinsBuild build) =>
        Encoding.UTF8.GetString(build.ConsoleText()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    [Fact]
    public async Task Of_25_finished_builds_the_newest_20_are_listed_with_their_states_and_results()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("team/app");
        FinishedBuilds(jenkins, job, 25);
        using var data = new TempFolder();
        await using var server = await StartTailHubAsync(jenkins, job, data);

        var runs = await RunsWhenAsync(server, l => l.Count == 20 && l.All(Ended), "20 ended runs");

        Assert.Equal(Enumerable.Range(6, 20), runs.Select(r => r.GetProperty("number").GetInt32()));
        Assert.All(runs, r =>
        {
            var number = r.GetProperty("number").GetInt32();
            Assert.Equal(ResultOf(number), r.GetProperty("result").GetString());
            Assert.Equal(States[ResultOf(number)], r.GetProperty("state").GetString());
        });
        Assert.DoesNotContain(jenkins.Requests, r => r.Contains("/5/logText", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Builds_option_sets_how_many_recent_builds_are_read_and_listed()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 6);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => o.Builds = 3).Start();

        await harness.UntilFinishedAsync(6);

        Assert.Equal([4, 5, 6], harness.Source.Runs.Select(r => r.Number));
        Assert.Contains(jenkins.Requests, r => Uri.UnescapeDataString(r).Contains("tree=builds[number,result,building,timestamp]{0,3}", StringComparison.Ordinal));
        Assert.DoesNotContain(jenkins.Requests, r => r.Contains("/3/logText", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Older_runs_fall_off_the_list_as_new_builds_end_and_their_files_stay()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 3);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => { o.Builds = 3; o.Follow = true; }).Start();
        await harness.UntilFinishedAsync(3);

        jenkins.StartBuild(job).Script(["build 4 starts\n"]);
        await harness.UntilFinishedAsync(4);

        Assert.Equal([2, 3, 4], harness.Source.Runs.Select(r => r.Number));
        Assert.True(File.Exists(TailHub.Sources.Jenkins.JenkinsBuildFile.LogPath(harness.Source.Directory, 1)));
    }

    [Fact]
    public async Task Builds_are_read_oldest_first_each_as_one_stretch_of_the_sequence()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 5);
        using var data = new TempFolder();
        await using var server = await StartTailHubAsync(jenkins, job, data);

        var runs = await RunsWhenAsync(server, l => l.Count == 5 && l.All(Ended), "5 ended runs");

        var stretches = runs.Select(r => (First: r.GetProperty("firstSeq").GetInt64(), Last: r.GetProperty("lastSeq").GetInt64())).ToList();
        Assert.All(stretches, s => Assert.True(s.First < s.Last));
        Assert.All(stretches.Zip(stretches.Skip(1)), p => Assert.True(p.First.Last < p.Second.First, $"{p.First} overlaps {p.Second}"));
    }

    [Fact]
    public async Task Lines_of_one_run_are_exactly_its_builds_console_lines()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("team/app");
        FinishedBuilds(jenkins, job, 25);
        using var data = new TempFolder();
        await using var server = await StartTailHubAsync(jenkins, job, data);
        await RunsWhenAsync(server, l => l.Count == 20 && l.All(Ended), "20 ended runs");

        var lines = await RunLinesAsync(server, 11);

        Assert.Equal(ConsoleLines(job[11]), lines);
        Assert.Equal(["build 11 starts", "build 11 compiles", "build 11 tests", "Finished: FAILURE"], lines);
    }

    [Fact]
    public async Task Download_and_search_by_run_read_only_that_build()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 4);
        using var data = new TempFolder();
        await using var server = await StartTailHubAsync(jenkins, job, data);
        await RunsWhenAsync(server, l => l.Count == 4 && l.All(Ended), "4 ended runs");

        var download = await server.Client.GetStringAsync("/api/sources/ci/download?run=3");
        var search = await server.Client.GetStringAsync("/api/sources/ci/search?q=compiles&run=3");

        Assert.Equal(Encoding.UTF8.GetString(job[3].ConsoleText()), download);
        var hits = search.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "hit").Select(r => r.GetProperty("text").GetString()).ToList();
        Assert.Equal(["build 3 compiles"], hits);
    }

    [Fact]
    public async Task A_build_running_while_TailHub_watches_is_listed_as_running_then_as_its_result()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 2);
        var live = jenkins.StartBuild(job);
        live.Append("compiling\n");
        using var data = new TempFolder();
        await using var server = await StartTailHubAsync(jenkins, job, data, follow: true);
        var runs = new RunsClient(server.Client);

        var running = await runs.WaitForAsync("ci", 3, "running");
        live.Append("testing\n");
        live.Finish("UNSTABLE");
        var ended = await runs.WaitForAsync("ci", 3, "unstable");
        await RunsWhenAsync(server, l => Ended(l[^1]), "run #3 to have its last record");

        Assert.Equal(JsonValueKind.Null, running.GetProperty("result").ValueKind);
        Assert.Equal("UNSTABLE", ended.GetProperty("result").GetString());
        Assert.Equal(["compiling", "testing", "Finished: UNSTABLE"], await RunLinesAsync(server, 3));
    }

    [Fact]
    public async Task After_a_restart_the_runs_are_listed_again_and_no_build_is_read_twice()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        FinishedBuilds(jenkins, job, 3);
        using var data = new TempFolder();
        List<JsonElement> before;
        await using (var first = await StartTailHubAsync(jenkins, job, data))
        {
            before = await RunsWhenAsync(first, l => l.Count == 3 && l.All(Ended), "3 ended runs");
        }
        var requestsBefore = jenkins.Requests.Count;
        var fourth = jenkins.StartBuild(job);
        fourth.Append("build 4 starts\n");
        fourth.Finish("SUCCESS");

        await using var second = await StartTailHubAsync(jenkins, job, data);
        var after = await RunsWhenAsync(second, l => l.Count == 4 && l.All(Ended), "4 ended runs");

        Assert.Equal(before.Select(r => r.GetRawText()), after.Take(3).Select(r => r.GetRawText()));
        var requestsAfter = jenkins.Requests.Skip(requestsBefore).ToList();
        Assert.Contains(requestsAfter, r => r.Contains("/4/logText/progressiveText", StringComparison.Ordinal));
        Assert.DoesNotContain(requestsAfter, r => r.Contains("/1/", StringComparison.Ordinal) || r.Contains("/2/", StringComparison.Ordinal) || r.Contains("/3/", StringComparison.Ordinal));
        Assert.Equal(["build 2 starts", "build 2 compiles", "build 2 tests", "Finished: UNSTABLE"], await RunLinesAsync(second, 2));
    }
}
