using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Observability;

/// <summary>/healthz/live and /healthz/ready against healthy sources and sources in error.</summary>
public sealed class HealthEndpointTests
{
    private static async Task<TailHubServer> StartWithJenkinsAsync(FakeJenkins jenkins, bool withFileSource, Dictionary<string, string?>? extra = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        var tokenEnv = "TAILHUB_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(tokenEnv, "tok-wrong-7731");
        var settings = jenkins.SourceSettings(folder, jenkins.AddJob("app").FullName, tokenEnv);
        if (withFileSource)
        {
            settings["TailHub:Sources:1:Name"] = "app";
            settings["TailHub:Sources:1:Path"] = folder.PathOf("app.log");
        }
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        return await TailHubServer.StartAsync(new Dictionary<string, string>(), settings, folder);
    }

    /// <summary>Polls readiness until it reports <paramref name="status"/>; returns the last answer.</summary>
    private static async Task<(HttpStatusCode Code, JsonElement Body)> ReadyUntilAsync(TailHubServer server, string status, string? key = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/ready");
            if (key is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await server.Client.SendAsync(request);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline) return (response.StatusCode, body);
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Liveness_is_healthy_while_the_process_answers()
    {
        var folder = new TempFolder();
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);

        using var response = await server.Client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_is_healthy_when_no_source_is_in_error()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, folder: folder);

        var (code, body) = await ReadyUntilAsync(server, "Healthy");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_is_degraded_and_names_the_source_when_one_source_is_in_error()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: true);

        var (code, body) = await ReadyUntilAsync(server, "Degraded");

        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, code);
        var sources = body.GetProperty("checks").GetProperty("sources");
        Assert.Contains("ci", sources.GetProperty("description").GetString());
        Assert.True(sources.GetProperty("data").TryGetProperty("ci", out _));
        Assert.False(sources.GetProperty("data").TryGetProperty("app", out _));
    }

    [Fact]
    public async Task Readiness_is_unhealthy_with_503_when_every_source_is_in_error()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: false);

        var (code, body) = await ReadyUntilAsync(server, "Unhealthy");

        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
    }

    [Fact]
    public async Task Readiness_never_shows_a_source_credential()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: false);

        var (_, body) = await ReadyUntilAsync(server, "Unhealthy");

        Assert.DoesNotContain("tok-wrong-7731", body.GetRawText());
    }

    private const string ViewerKey = "health-viewer-key-0123456789";
    private const string AppOnlyKey = "health-app-only-key-0123456789";

    private static Dictionary<string, string?> Keys => new()
    {
        ["TailHub:Security:ApiKeys:0:Id"] = "viewer",
        ["TailHub:Security:ApiKeys:0:Sha256"] = Security.AccessTestServer.Sha256(ViewerKey),
        ["TailHub:Security:ApiKeys:0:Role"] = "viewer",
        ["TailHub:Security:ApiKeys:1:Id"] = "app-only",
        ["TailHub:Security:ApiKeys:1:Sha256"] = Security.AccessTestServer.Sha256(AppOnlyKey),
        ["TailHub:Security:ApiKeys:1:Role"] = "viewer",
        ["TailHub:Security:ApiKeys:1:Sources:0"] = "app",
    };

    [Fact]
    public async Task With_keys_configured_readiness_without_a_key_answers_the_status_only()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: true, Keys);

        var (code, body) = await ReadyUntilAsync(server, "Degraded");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("checks", out _), body.GetRawText());
        Assert.DoesNotContain("ci", body.GetRawText());
        Assert.DoesNotContain("401", body.GetRawText());
    }

    [Fact]
    public async Task With_keys_configured_readiness_shows_its_details_to_a_valid_key()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: true, Keys);

        var (_, body) = await ReadyUntilAsync(server, "Degraded", ViewerKey);

        var sources = body.GetProperty("checks").GetProperty("sources");
        Assert.Contains("ci", sources.GetProperty("description").GetString());
        Assert.True(sources.GetProperty("data").TryGetProperty("ci", out _));
    }

    [Fact]
    public async Task A_key_limited_to_some_sources_sees_readiness_details_of_those_only()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        jenkins.Credentials = ("ci-bot", "the-right-one");
        await using var server = await StartWithJenkinsAsync(jenkins, withFileSource: true, Keys);

        var (_, body) = await ReadyUntilAsync(server, "Degraded", AppOnlyKey);

        var sources = body.GetProperty("checks").GetProperty("sources");
        Assert.False(sources.GetProperty("data").TryGetProperty("ci", out _));
        Assert.DoesNotContain("ci", sources.GetProperty("description").GetString());
    }
}
