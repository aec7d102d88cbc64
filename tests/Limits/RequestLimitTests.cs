using System.Net;
using TailHub.Tests.Support;

namespace TailHub.Tests.Limits;

/// <summary>Sizes and counts of requests: each over-limit request is a problem, never a 500.</summary>
public sealed class RequestLimitTests
{
    private static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }

    [Fact]
    public async Task Naming_more_sources_than_the_limit_in_one_stream_is_a_400_problem()
    {
        await using var server = await StartAsync(new() { ["TailHub:Limits:MaxSourcesPerStream"] = "2" });

        using var response = await server.Client.GetAsync("/api/stream?sources=a,b,c");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("at most 2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_query_longer_than_the_limit_is_a_414_problem()
    {
        await using var server = await StartAsync(new() { ["TailHub:Limits:MaxQueryLength"] = "256" });

        using var response = await server.Client.GetAsync("/api/stream?sources=app&grep=" + new string('a', 300));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_declared_larger_than_the_limit_is_a_413_problem()
    {
        await using var server = await StartAsync(new() { ["TailHub:Limits:MaxRequestBodyBytes"] = "1024" });

        using var response = await server.Client.PostAsync("/api/sources/app/builds",
            new StringContent("{\"A\":\"" + new string('x', 2000) + "\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_chunked_body_larger_than_the_limit_is_a_413_problem()
    {
        await using var jenkins = await FakeJenkins.StartAsync();
        var folder = new TempFolder();
        var settings = jenkins.SourceSettings(folder, jenkins.AddJob("app").FullName);
        settings["TailHub:Limits:MaxRequestBodyBytes"] = "1024";
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string>(), settings, folder);
        var body = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"A\":\"" + new string('x', 4000) + "\"}")));
        body.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/sources/ci/builds") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(jenkins.QueueItems);
    }
}
