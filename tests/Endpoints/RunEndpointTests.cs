using System.Net;
using System.Text.Json;
using TailHub.Tests.Security;
using TailHub.Tests.Sources.Command;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary><c>/api/sources/{name}/runs</c>: parameters from the allow-list only, clear 4xx answers, roles, and the current run in /api/sources.</summary>
public sealed class RunEndpointTests
{
    private static readonly Dictionary<string, string?> WithParameters = new()
    {
        ["Command:1"] = "--version",
        ["Command:2"] = "{VERSION}",
        ["Command:3"] = "{DRY_RUN}",
        ["Parameters:VERSION"] = "[0-9]+(\\.[0-9]+)*",
        ["Parameters:DRY_RUN"] = "",
    };

    [Fact]
    public async Task Allowed_parameters_reach_the_process_as_whole_arguments_and_environment_variables_never_through_a_shell()
    {
        await using var job = await CommandSource.StartAsync("""
            for a in "$@"; do echo "arg[$a]"; done
            echo "env VERSION=$VERSION"
            """, WithParameters);
        await using var viewer = await job.WatchAsync();

        var number = await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["VERSION"] = "1.2", ["DRY_RUN"] = "$(touch pwned); echo x" });
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, number)).Select(l => l.Text);

        Assert.Equal(["arg[--version]", "arg[1.2]", "arg[$(touch pwned); echo x]", "env VERSION=1.2"], lines);
        Assert.False(File.Exists(job.Server.Folder.PathOf("pwned")));
    }

    [Fact]
    public async Task A_parameter_left_out_leaves_its_argument_out()
    {
        await using var job = await CommandSource.StartAsync("""for a in "$@"; do echo "arg[$a]"; done""", WithParameters);
        await using var viewer = await job.WatchAsync();

        var number = await job.Runs.StartedAsync(CommandSource.Name, new Dictionary<string, string> { ["VERSION"] = "3" });
        var lines = CommandSource.LinesOf(await CommandSource.ReadUntilRunEndsAsync(viewer, number)).Select(l => l.Text);

        Assert.Equal(["arg[--version]", "arg[3]"], lines);
    }

    [Theory]
    [InlineData("""{"OTHER":"x"}""", "not allowed")]
    [InlineData("""{"VERSION":"1.2; rm -rf /"}""", "does not match")]
    [InlineData("""{"VERSION":["1"]}""", "must be a string")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"VERSION":"1.2\n3"}""", "control characters")]
    public async Task A_parameter_that_is_not_allowed_is_a_400_and_starts_nothing(string body, string expected)
    {
        await using var job = await CommandSource.StartAsync("echo ran", WithParameters);

        using var response = await job.Server.Client.PostAsync($"/api/sources/{CommandSource.Name}/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
        Assert.Empty(await job.Runs.ListAsync(CommandSource.Name));
    }

    [Fact]
    public async Task Runs_of_an_unknown_source_are_404_and_of_a_file_source_400()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" });

        using var unknown = await server.Client.GetAsync("/api/sources/nope/runs");
        using var file = await server.Client.PostAsync("/api/sources/app/runs", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, file.StatusCode);
        Assert.Contains("only command, ssh and jenkins sources have runs", await file.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_runs_list_is_oldest_first_and_api_sources_shows_the_current_run()
    {
        await using var job = await CommandSource.StartAsync("echo ready; sleep 60", new() { ["MaxConcurrentRuns"] = "3" });
        await using var viewer = await job.WatchAsync();
        var first = await job.Runs.StartedAsync(CommandSource.Name);
        var second = await job.Runs.StartedAsync(CommandSource.Name);
        await job.Runs.CancelAsync(CommandSource.Name, first);
        await job.Runs.EndedAsync(CommandSource.Name, first);

        var runs = await job.Runs.ListAsync(CommandSource.Name);
        var source = await job.Server.SourceAsync(CommandSource.Name);

        Assert.Equal([first, second], runs.Select(r => r.GetProperty("number").GetInt32()));
        Assert.Equal(second, source.GetProperty("run").GetProperty("number").GetInt32());
        Assert.Equal("running", source.GetProperty("run").GetProperty("state").GetString());
        Assert.Equal("following", source.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Viewers_read_runs_and_only_operators_start_and_cancel_them()
    {
        await using var server = await AccessTestServer.StartAsync(new()
        {
            ["TailHub:Sources:2:Name"] = "job",
            ["TailHub:Sources:2:Type"] = "command",
            ["TailHub:Sources:2:Command:0"] = "sleep",
            ["TailHub:Sources:2:Command:1"] = "60",
        });

        using var viewerStart = await server.SendAsync(HttpMethod.Post, "/api/sources/job/runs", AccessTestServer.ViewerKey);
        using var operatorStart = await server.SendAsync(HttpMethod.Post, "/api/sources/job/runs", AccessTestServer.OperatorKey);
        using var viewerList = await server.SendAsync(HttpMethod.Get, "/api/sources/job/runs", AccessTestServer.ViewerKey);
        using var viewerCancel = await server.SendAsync(HttpMethod.Delete, "/api/sources/job/runs/1", AccessTestServer.ViewerKey);
        using var operatorCancel = await server.SendAsync(HttpMethod.Delete, "/api/sources/job/runs/1", AccessTestServer.OperatorKey);
        using var appOnly = await server.SendAsync(HttpMethod.Get, "/api/sources/job/runs", AccessTestServer.AppOnlyKey);

        Assert.Equal(HttpStatusCode.Forbidden, viewerStart.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, operatorStart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viewerList.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerCancel.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, operatorCancel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, appOnly.StatusCode);
    }
}
