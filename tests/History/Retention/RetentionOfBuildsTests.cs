using TailHub.Tests.Sources.Jenkins;
using TailHub.Tests.Support;

namespace TailHub.Tests.History.Retention;

/// <summary>Retention applied by the real TailHub to a Jenkins source's build consoles: MaxRuns counts builds.</summary>
public sealed class RetentionOfBuildsTests
{
    [Fact]
    public async Task Build_consoles_beyond_max_runs_are_deleted_and_their_runs_read_back_empty()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        for (var n = 1; n <= 4; n++)
        {
            var build = jenkins.StartBuild(job);
            build.Append($"output of build {n}\n");
            build.Finish();
        }
        var folder = new TempFolder();
        var settings = jenkins.SourceSettings(folder, job.FullName);
        settings["TailHub:Sources:0:Retention:MaxRuns"] = "2";
        settings["TailHub:History:RetentionInterval"] = "00:00:01";
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), settings, folder);
        var builds = folder.PathOf("data/sources/ci/builds");
        var runs = new RunsClient(server.Client);
        await runs.WaitForAsync("ci", 4, "succeeded");

        await Eventually.Async(() => !File.Exists(Path.Combine(builds, "2.log")), "build #2's console to be deleted", TimeSpan.FromSeconds(20));

        Assert.False(File.Exists(Path.Combine(builds, "1.log")));
        Assert.True(File.Exists(Path.Combine(builds, "3.log")));
        Assert.True(File.Exists(Path.Combine(builds, "4.log")));
        // Read back from the files (a download), not from the recent records the server still holds in memory.
        Assert.Equal("", await server.Client.GetStringAsync("/api/sources/ci/download?run=1"));
        Assert.Equal("output of build 4\nFinished: SUCCESS\n", await server.Client.GetStringAsync("/api/sources/ci/download?run=4"));
    }
}
