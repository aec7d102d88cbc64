using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

/// <summary>The local build file equals <c>consoleText</c> byte for byte, on every progressiveText behaviour.</summary>
public sealed class ConsoleFollowingTests
{
    public static TheoryData<string> Versions => new() { "2.504.3", "2.516.3", "2.541.1" };

    private static async Task<(FakeJenkins Jenkins, FakeJenkinsJob Job)> JenkinsWithJobAsync(string version)
    {
        var jenkins = await FakeJenkins.StartAsync(version);
        return (jenkins, jenkins.AddJob("team/service/main"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Lines_split_mid_line_and_mid_character_at_poll_time_arrive_whole(string version)
    {
        var (jenkins, job) = await JenkinsWithJobAsync(version);
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        // Each poll sees one more piece: partial lines, a split "é" (C3 A9) and "€" (E2 82 AC), then the rest.
        var text = Encoding.UTF8.GetBytes("+ make\nbuilding caf\u00e9 for 5\u20ac\ncompil");
        build.Script([text[..3], text[3..20], text[20..21], text[21..31], text[31..], Encoding.UTF8.GetBytes("ed\nlast line\n")]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task More_than_10000_lines_between_two_polls_all_arrive(string version)
    {
        var (jenkins, job) = await JenkinsWithJobAsync(version);
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        var burst = new StringBuilder();
        for (var i = 0; i < 25_000; i++) burst.Append("line ").Append(i).Append('\n');
        burst.Append("pending partial");
        build.Script(["first\n", burst.ToString(), " line ends\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Hidden_console_notes_are_not_in_the_file(string version)
    {
        var (jenkins, job) = await JenkinsWithJobAsync(version);
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        build.Script([$"Started by user {FakeJenkinsBuild.NoteText("hyperlink")}alice\n", $"{FakeJenkinsBuild.NoteText("pipeline")}[Pipeline] sh\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal("Started by user alice\n[Pipeline] sh\nFinished: SUCCESS\n", Encoding.UTF8.GetString(harness.BuildFile(1)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_log_that_grows_during_a_request_while_it_ends_mid_character_is_neither_duplicated_nor_cut(string version)
    {
        var (jenkins, job) = await JenkinsWithJobAsync(version);
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        var cafe = Encoding.UTF8.GetBytes("caf\u00e9");
        // The log ends inside "é" when the request reads its size; the rest arrives before the body is read:
        // 2.509-2.526 then send past X-Text-Size, and from 2.527 the size cap cuts the body inside the character.
        build.Append([.. "before\npartial "u8, .. cafe[..^1]]);
        build.GrowDuringNextRequest([.. cafe[^1..], .. "\ngrew during the request\n"u8]);
        build.Script(["after\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Server_errors_slow_answers_and_dropped_connections_lose_and_repeat_nothing(string version)
    {
        var (jenkins, job) = await JenkinsWithJobAsync(version);
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        build.Script(["one\ntw", "o\nthree\n", "four\nfi", "ve\n"]);
        jenkins.Fail("progressiveText", times: 2, status: 500);
        jenkins.Fail("progressiveText", times: 1, status: 503);
        jenkins.Drop("progressiveText", times: 2);
        jenkins.Slow("progressiveText", times: 2, TimeSpan.FromMilliseconds(300));
        jenkins.Drop("api/json", times: 1);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Fact]
    public async Task An_answer_slower_than_the_request_timeout_is_retried()
    {
        var (jenkins, job) = await JenkinsWithJobAsync("2.516.3");
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        build.Script(["one\n", "two\n"]);
        jenkins.Slow("progressiveText", times: 1, TimeSpan.FromSeconds(5));
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName, configure: o => o.RequestTimeout = TimeSpan.FromMilliseconds(300)).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
    }

    [Fact]
    public async Task A_build_kept_in_post_production_is_followed_until_its_log_is_complete()
    {
        var (jenkins, job) = await JenkinsWithJobAsync("2.516.3");
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        build.Append("work\n");
        build.EnterPostProduction("UNSTABLE");
        build.Script(["archiving artifacts\n", "recording tests\n"], result: "UNSTABLE");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal(build.ConsoleText(), harness.BuildFile(1));
        Assert.Equal("UNSTABLE", harness.Source.Build.Result);
    }

    [Fact]
    public async Task A_finished_build_whose_log_file_is_missing_ends_instead_of_polling_forever()
    {
        var (jenkins, job) = await JenkinsWithJobAsync("2.516.3");
        await using var _ = jenkins;
        var build = jenkins.StartBuild(job);
        build.Finish("ABORTED");
        build.LogMissing = true;
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        await harness.UntilFinishedAsync(1);

        Assert.Equal("ABORTED", harness.Source.Build.Result);
        Assert.Empty(harness.BuildFile(1));
    }
}
