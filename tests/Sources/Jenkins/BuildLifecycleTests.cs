using TailHub.Pipeline;
using System.Text;
using TailHub.Sources;
using TailHub.Sources.Jenkins;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

public sealed class BuildLifecycleTests
{
    [Fact]
    public async Task A_restart_resumes_from_the_saved_offset_without_fetching_a_byte_twice()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job);
        build.Append("one\ntwo\npart");
        using var folder = new TempFolder();
        await using (var first = new JenkinsSourceHarness(jenkins, job.FullName, folder).Start())
        {
            await Eventually.Async(() => File.Exists(JenkinsBuildFile.LogPath(first.Source.Directory, 1)) && first.BuildFile(1).Length == 8, "the complete lines on disk");
        }
        var requestsBefore = jenkins.Requests.Count;
        build.Script(["ial\nthree\n"]);

        await using var second = new JenkinsSourceHarness(jenkins, job.FullName, folder).Start();
        await second.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), second.BuildFile(1));
        var consoleRequests = jenkins.Requests.Skip(requestsBefore).Where(r => r.Contains("progressiveText")).ToList();
        Assert.NotEmpty(consoleRequests);
        Assert.DoesNotContain(consoleRequests, r => r.EndsWith("start=0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bytes_written_before_a_crash_but_not_recorded_are_cut_and_fetched_once()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job);
        build.Append("one\ntwo\n");
        using var folder = new TempFolder();
        await using (var first = new JenkinsSourceHarness(jenkins, job.FullName, folder).Start())
        {
            await Eventually.Async(() => File.Exists(JenkinsBuildFile.LogPath(first.Source.Directory, 1)) && first.BuildFile(1).Length == 8, "the lines on disk");
        }
        // As if TailHub died after appending the next answer but before saving the offset that goes with it.
        File.AppendAllText(JenkinsBuildFile.LogPath(Path.Combine(folder.Path, "jenkins-ci"), 1), "three\n");
        build.Script(["three\n"]);

        await using var second = new JenkinsSourceHarness(jenkins, job.FullName, folder).Start();
        await second.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), second.BuildFile(1));
    }

    [Fact]
    public async Task Follow_mode_moves_to_the_next_build_and_marks_it_with_its_number()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("team/app");
        jenkins.StartBuild(job).Script(["first build\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => o.Follow = true).Start();
        await harness.UntilFinishedAsync(1);

        var second = jenkins.StartBuild(job).Script(["second build\n"], result: "FAILURE");
        await harness.UntilFinishedAsync(2);

        Assert.Equal(second.ConsoleText(), harness.BuildFile(2));
        Assert.Equal(2, JenkinsBuildFile.Latest(harness.Source.Directory));
        Assert.Equal("FAILURE", harness.Source.Build.Result);
        Assert.Contains(harness.Notices(), n => n.Kind == NoticeKind.Build && n.Message.Contains("following build #2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_follow_mode_the_source_stays_on_its_build()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["only\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();
        await harness.UntilFinishedAsync(1);

        jenkins.StartBuild(job).Script(["not followed\n"]);
        // An observation window: a source that moved on would ask for build #2 within a few polls.
        await Task.Delay(JenkinsSourceHarness.Poll * 10);

        Assert.Equal(1, JenkinsBuildFile.Latest(harness.Source.Directory));
        Assert.DoesNotContain(jenkins.Requests, r => r.Contains("/2/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_number_that_does_not_exist_yet_is_waited_for()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["one\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => o.Build = "2").Start();
        await Eventually.Async(() => harness.Source.Build.State == "waiting", "the source to wait for build #2");

        var build = jenkins.StartBuild(job).Script(["two\n"]);
        await harness.UntilFinishedAsync(2);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(2));
    }

    [Fact]
    public async Task Last_build_is_resolved_to_a_number_once()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["one\n"]);
        var newest = jenkins.StartBuild(job).Script(["two\n", "2b\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(2);

        Assert.Equal(newest.ConsoleText(), harness.BuildFile(2));
        Assert.DoesNotContain(jenkins.Requests, r => r.Contains("lastBuild/logText", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_deleted_while_followed_gives_a_deleted_state()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job);
        build.Append("running\n");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();
        await Eventually.Async(() => harness.Source.Build.State == "running", "the build to be followed");

        job.Delete(1);

        await Eventually.Async(() => harness.Source.Build.State == "deleted", "a deleted state");
        Assert.Equal(1, harness.Source.Build.Number);
    }

    [Fact]
    public async Task Wrong_credentials_put_the_source_in_error_and_stop_its_requests()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.Credentials = ("ci-bot", "right-token");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Append("secret work\n");
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "wrong-token-4711");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => { o.User = "ci-bot"; o.TokenEnv = tokenEnv; }).Start();

        await Eventually.Async(() => harness.Source.Build.State == "error", "an error state");
        var requests = jenkins.Requests.Count;
        // An observation window, not a signal: ten poll intervals in which a hammering source would ask again.
        await Task.Delay(JenkinsSourceHarness.Poll * 10);

        Assert.Equal(requests, jenkins.Requests.Count);
        Assert.Contains("401", harness.Source.Build.Message);
        Assert.DoesNotContain(harness.LogMessages, m => m.Contains("wrong-token-4711", StringComparison.Ordinal));
        Assert.DoesNotContain("wrong-token-4711", harness.Source.Build.ToString());
    }

    [Fact]
    public async Task An_anonymous_source_refused_by_Jenkins_says_which_permission_is_missing()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.Credentials = ("ci-bot", "right-token");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Append("work\n");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await Eventually.Async(() => harness.Source.Build.State == "error", "an error state");

        Assert.Contains("anonymous", harness.Source.Build.Message);
        Assert.Contains("hudson.model.Hudson.Read", harness.Source.Build.Message);
    }

    [Fact]
    public async Task Right_credentials_are_sent_preemptively()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.Credentials = ("ci-bot", "right-token");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job).Script(["authorized\n"]);
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "right-token");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => { o.User = "ci-bot"; o.TokenEnv = tokenEnv; }).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Fact]
    public async Task A_build_replaced_under_the_same_number_is_fetched_anew()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["old build, long log line\n"]);
        using var folder = new TempFolder();
        await using (var first = new JenkinsSourceHarness(jenkins, job.FullName, folder, o => o.Build = "1").Start())
        {
            await first.UntilFinishedAsync(1);
        }
        job.Delete(1);
        job.NextBuildNumber = 1;
        var replacement = jenkins.StartBuild(job).Script(["new\n"]);

        await using var second = new JenkinsSourceHarness(jenkins, job.FullName, folder, o => o.Build = "1").Start();
        await second.UntilFinishedAsync(1);

        Assert.Equal(replacement.ConsoleText(), second.BuildFile(1));
        Assert.Equal("new\nFinished: SUCCESS\n", Encoding.UTF8.GetString(second.BuildFile(1)));
    }
}
