using System.Net;
using TailHub.Sources.Jenkins;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

public sealed class TriggerTests
{
    private static readonly KeyValuePair<string, string>[] NoParameters = [];

    [Fact]
    public async Task Two_racing_triggers_each_get_their_own_build_and_the_source_follows_the_last_one_queued()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.StartQueuedOnPoll = 0;
        var job = jenkins.AddJob("team/app", "BRANCH");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var first = await harness.Source.TriggerAsync([new("BRANCH", "a")], CancellationToken.None);
        var second = await harness.Source.TriggerAsync([new("BRANCH", "b")], CancellationToken.None);
        // The executors pick the second item first: it becomes #1, and the first trigger's build #2 is the job's lastBuild.
        var secondsBuild = jenkins.StartQueued(second.QueueId).Script(["built b\n"]);
        jenkins.StartQueued(first.QueueId).Append("built a, still running\n");

        Assert.Equal(2, (await first.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Number);
        Assert.Equal(1, (await second.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Number);
        await harness.UntilFinishedAsync(1);
        Assert.Equal(secondsBuild.ConsoleText(), harness.BuildFile(1));
        Assert.DoesNotContain(jenkins.Requests, r => r.Contains("/2/logText", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trigger_sends_its_parameters_to_buildWithParameters()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app", "BRANCH", "DEBUG");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var trigger = await harness.Source.TriggerAsync([new("BRANCH", "main"), new("DEBUG", "true")], CancellationToken.None);

        var item = Assert.Single(jenkins.QueueItems);
        Assert.Equal(trigger.QueueId, item.Id);
        Assert.Equal(new Dictionary<string, string> { ["BRANCH"] = "main", ["DEBUG"] = "true" }, item.Parameters);
        Assert.Contains(jenkins.Requests, r => r.StartsWith("POST /job/app/buildWithParameters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trigger_of_a_job_without_parameters_posts_to_build_and_follows_the_build()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        job.OnStarted = b => b.Script(["plain build\n"]);
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var trigger = await harness.Source.TriggerAsync(NoParameters, CancellationToken.None);

        Assert.Equal(1, (await trigger.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Number);
        await harness.UntilFinishedAsync(1);
        Assert.Contains(jenkins.Requests, r => r.StartsWith("POST /job/app/build?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parameters_for_a_job_that_takes_none_are_refused_as_a_bad_request()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var e = await Assert.ThrowsAsync<JenkinsException>(() => harness.Source.TriggerAsync([new("X", "1")], CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Empty(jenkins.QueueItems);
    }

    [Fact]
    public async Task A_crumb_is_fetched_and_sent_when_Jenkins_demands_one()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.RequireCrumb = true;
        var job = jenkins.AddJob("app");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var trigger = await harness.Source.TriggerAsync(NoParameters, CancellationToken.None);

        Assert.Equal(trigger.QueueId, Assert.Single(jenkins.QueueItems).Id);
        Assert.Contains(jenkins.Requests, r => r.StartsWith("GET /crumbIssuer/api/json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_queue_item_is_reported_as_cancelled()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.StartQueuedOnPoll = 0;
        var job = jenkins.AddJob("app");
        await using var harness = new JenkinsSourceHarness(jenkins, job.FullName).Start();

        var trigger = await harness.Source.TriggerAsync(NoParameters, CancellationToken.None);
        jenkins.CancelQueued(trigger.QueueId);

        Assert.True((await trigger.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Cancelled);
        await Eventually.Async(() => harness.Source.Build.State == "cancelled", "a cancelled state");
        Assert.Equal(trigger.QueueId, harness.Source.Build.QueueId);
    }

    [Fact]
    public async Task A_queue_item_that_expired_is_matched_to_its_build_by_queue_id()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job, queueId: 4242);
        build.Script(["found by queue id\n"]);
        var client = new JenkinsClient("ci", jenkins.BaseAddress, Job("app"), null, null, new HttpClient(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var tracker = new QueueTracker(client, JenkinsSourceHarness.Poll, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "ci");

        var outcome = await tracker.WaitForBuildAsync(4242, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, outcome.Number);
    }

    private static JenkinsJobPath Job(string name)
    {
        JenkinsJobPath.TryParse(name, out var path, out _);
        return path;
    }
}
