using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

/// <summary>TailHub itself with a <c>jenkins</c> source pointed at the fake Jenkins.</summary>
public sealed class JenkinsEndToEndTests
{
    private static Task<TailHubServer> StartTailHubAsync(FakeJenkins jenkins, string job, bool follow = false, string? tokenEnv = null, string? dataDirectory = null)
    {
        var folder = new TempFolder();
        var settings = new Dictionary<string, string?>
        {
            ["TailHub:DataDirectory"] = dataDirectory ?? folder.PathOf("data"),
            ["TailHub:Sources:0:Name"] = "ci",
            ["TailHub:Sources:0:Type"] = "jenkins",
            ["TailHub:Sources:0:Url"] = jenkins.BaseAddress.AbsoluteUri,
            ["TailHub:Sources:0:Job"] = job,
            ["TailHub:Sources:0:Follow"] = follow ? "true" : "false",
            ["TailHub:Sources:0:PollInterval"] = "00:00:00.200",
            ["TailHub:Sources:1:Name"] = "app",
            ["TailHub:Sources:1:Path"] = folder.PathOf("app.log"),
        };
        if (tokenEnv is not null)
        {
            settings["TailHub:Sources:0:User"] = "ci-bot";
            settings["TailHub:Sources:0:TokenEnv"] = tokenEnv;
        }
        return TailHubServer.StartAsync(new Dictionary<string, string>(), settings, folder);
    }

    [Fact]
    public async Task Lines_of_a_Jenkins_build_reach_an_SSE_viewer()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.541.1");
        var job = jenkins.AddJob("team/service/main");
        var build = jenkins.StartBuild(job);
        build.Append("+ make\nbuil");
        await using var server = await StartTailHubAsync(jenkins, job.FullName);
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=ci");

        build.Script(["ding\n", "done\n"]);
        var events = await viewer.ReadUntilLinesAsync("ci", 4);

        var lines = events.Where(e => e.Type == "ci").SelectMany(e => e.Lines).Select(l => l.Text).ToList();
        Assert.Equal(["+ make", "building", "done", "Finished: SUCCESS"], lines);
    }

    [Fact]
    public async Task After_TailHub_restarts_the_build_file_is_completed_without_duplicates()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        var build = jenkins.StartBuild(job);
        build.Append("one\ntwo\npar");
        using var data = new TempFolder();
        var buildFile = Path.Combine(data.Path, "sources", "ci", "builds", "1.log");
        await using (var first = await StartTailHubAsync(jenkins, job.FullName, dataDirectory: data.Path))
        {
            await Eventually.Async(() => File.Exists(buildFile) && new FileInfo(buildFile).Length == 8, "the complete lines on disk");
        }
        build.Script(["tial\n"]);

        await using var second = await StartTailHubAsync(jenkins, job.FullName, dataDirectory: data.Path);
        await Eventually.Async(() => second.Client.GetStringAsync("/api/sources/ci").GetAwaiter().GetResult().Contains("\"finished\"", StringComparison.Ordinal), "the build to finish");

        Assert.Equal(build.ConsoleText(), File.ReadAllBytes(buildFile));
    }

    [Fact]
    public async Task Viewers_see_a_status_marker_with_the_next_build_number_in_follow_mode()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["first\n"]);
        await using var server = await StartTailHubAsync(jenkins, job.FullName, follow: true);
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=ci");
        await viewer.ReadUntilLinesAsync("ci", 2);

        jenkins.StartBuild(job).Script(["second\n"]);
        var events = await viewer.ReadUntilLinesAsync("ci", 2);

        var marker = events.FindIndex(e => e.Type == "status" && e.Json.GetProperty("message").GetString()!.Contains("following build #2", StringComparison.Ordinal));
        Assert.True(marker >= 0, "no marker for build #2");
        Assert.Equal("build", events[marker].Json.GetProperty("kind").GetString());
        var firstLineOfBuild2 = events.FindIndex(e => e.Type == "ci" && e.Lines.Any(l => l.Text == "second"));
        Assert.True(marker < firstLineOfBuild2, "the marker came after build #2's lines");
    }

    [Fact]
    public async Task The_sources_api_shows_the_build_state_and_never_the_token()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.Credentials = ("ci-bot", "tok-e2e-91xz");
        var job = jenkins.AddJob("app");
        jenkins.StartBuild(job).Script(["x\n"], result: "UNSTABLE");
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "tok-e2e-91xz");
        await using var server = await StartTailHubAsync(jenkins, job.FullName, tokenEnv: tokenEnv);

        string body = "";
        await Eventually.Async(() =>
        {
            body = server.Client.GetStringAsync("/api/sources/ci").GetAwaiter().GetResult();
            return body.Contains("\"finished\"", StringComparison.Ordinal);
        }, "the build to show as finished");

        var build = JsonDocument.Parse(body).RootElement.GetProperty("build");
        Assert.Equal(1, build.GetProperty("number").GetInt32());
        Assert.Equal("UNSTABLE", build.GetProperty("result").GetString());
        Assert.DoesNotContain("tok-e2e-91xz", body);
        var all = await server.Client.GetStringAsync("/api/sources");
        Assert.DoesNotContain("tok-e2e-91xz", all);
        Assert.False(JsonDocument.Parse(all).RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "app").TryGetProperty("build", out _));
    }

    [Fact]
    public async Task Triggering_answers_202_with_the_queue_item_and_the_build_number()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app", "BRANCH");
        job.OnStarted = b => b.Script(["triggered\n"]);
        await using var server = await StartTailHubAsync(jenkins, job.FullName);

        using var response = await server.Client.PostAsJsonAsync("/api/sources/ci/builds", new { BRANCH = "main" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Assert.Single(jenkins.QueueItems).Id, answer.GetProperty("queueId").GetInt64());
        Assert.Equal(1, answer.GetProperty("build").GetInt32());
        Assert.Equal("started", answer.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Triggering_with_credentials_Jenkins_rejects_is_a_502_problem_without_the_token()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        jenkins.Credentials = ("ci-bot", "the-right-one");
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "tok-wrong-5521");
        await using var server = await StartTailHubAsync(jenkins, jenkins.AddJob("app").FullName, tokenEnv: tokenEnv);

        using var response = await server.Client.PostAsJsonAsync("/api/sources/ci/builds", new { });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("401", body);
        Assert.DoesNotContain("tok-wrong-5521", body);
    }

    [Fact]
    public async Task Triggering_an_unknown_source_is_a_404_problem()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        await using var server = await StartTailHubAsync(jenkins, jenkins.AddJob("app").FullName);

        using var response = await server.Client.PostAsJsonAsync("/api/sources/nope/builds", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Triggering_a_file_source_is_a_400_problem()
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        await using var server = await StartTailHubAsync(jenkins, jenkins.AddJob("app").FullName);

        using var response = await server.Client.PostAsJsonAsync("/api/sources/app/builds", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[\"BRANCH\"]")]
    [InlineData("{\"BRANCH\":{\"nested\":1}}")]
    [InlineData("{\"BRANCH\":null}")]
    [InlineData("{\"BRANCH\":\"a\",\"BRANCH\":\"b\"}")]
    public async Task Malformed_build_parameters_are_a_400_problem_and_queue_nothing(string body)
    {
        await using var jenkins = await FakeJenkins.StartAsync("2.516.3");
        var job = jenkins.AddJob("app", "BRANCH");
        await using var server = await StartTailHubAsync(jenkins, job.FullName);

        using var response = await server.Client.PostAsync("/api/sources/ci/builds", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(jenkins.QueueItems);
    }
}
