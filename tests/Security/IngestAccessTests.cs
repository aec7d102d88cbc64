using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;
using static TailHub.Tests.Security.AccessTestServer;

namespace TailHub.Tests.Security;

/// <summary>
/// Pushing lines is its own right: an <c>ingest</c> key (a build agent's) pushes and reads nothing; operators and
/// admins push too; viewers do not; and a key limited to some sources pushes only to those.
/// </summary>
public sealed class IngestAccessTests : IAsyncLifetime
{
    private const string AgentKey = "agent-key-0123456789abcdef";
    private const string DeployOnlyKey = "deploy-only-key-0123456789abcdef";
    private TailHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync(new Dictionary<string, string?>
    {
        ["TailHub:Sources:2:Name"] = "build",
        ["TailHub:Sources:2:Type"] = "push",
        ["TailHub:Sources:3:Name"] = "deploy",
        ["TailHub:Sources:3:Type"] = "push",
        ["TailHub:Security:ApiKeys:5:Id"] = "agent",
        ["TailHub:Security:ApiKeys:5:Sha256"] = Sha256(AgentKey),
        ["TailHub:Security:ApiKeys:5:Role"] = "ingest",
        ["TailHub:Security:ApiKeys:6:Id"] = "deploy-agent",
        ["TailHub:Security:ApiKeys:6:Sha256"] = Sha256(DeployOnlyKey),
        ["TailHub:Security:ApiKeys:6:Role"] = "ingest",
        ["TailHub:Security:ApiKeys:6:Sources:0"] = "deploy",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> PushAsync(string source, string? key) =>
        _server.SendAsync(HttpMethod.Put, $"/api/sources/{source}/lines", key, new ByteArrayContent("a line\n"u8.ToArray()));

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(AgentKey)]
    [InlineData(OperatorKey)]
    [InlineData(AdminKey)]
    public async Task Ingest_operator_and_admin_keys_push_lines(string key)
    {
        using var response = await PushAsync("build", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("lines").GetInt64());
    }

    [Theory]
    [InlineData("/api/stream?sources=build")]
    [InlineData("/api/sources")]
    [InlineData("/api/sources/build")]
    public async Task An_ingest_key_reads_nothing(string path)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, path, AgentKey);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_viewer_key_cannot_push()
    {
        using var response = await PushAsync("build", ViewerKey);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await PublishedAsync("build"));
    }

    [Fact]
    public async Task A_key_limited_to_other_sources_cannot_push_to_this_one()
    {
        using var elsewhere = await PushAsync("build", DeployOnlyKey);
        using var own = await PushAsync("deploy", DeployOnlyKey);

        await AssertProblemAsync(elsewhere, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(0, await PublishedAsync("build"));
    }

    [Fact]
    public async Task Pushing_without_a_key_is_a_401()
    {
        using var response = await PushAsync("build", key: null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private async Task<long> PublishedAsync(string source)
    {
        using var response = await _server.SendAsync(HttpMethod.Get, $"/api/sources/{source}", AdminKey);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("lastSeq").GetInt64();
    }
}
