using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary>Every bad input gets its 4xx with a problem+json body; none gets a 500.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TailHubServer _server = null!;

    public async Task InitializeAsync()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        _server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, null, folder);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string?, HttpStatusCode> Cases => new()
    {
        { "/api/stream?sources=nope", null, HttpStatusCode.NotFound },
        { "/api/stream?sources=app,nope", null, HttpStatusCode.NotFound },
        { "/api/stream?sources=../../etc/passwd", null, HttpStatusCode.NotFound },
        { "/api/stream?backlog=-1", null, HttpStatusCode.BadRequest },
        { "/api/stream?backlog=abc", null, HttpStatusCode.BadRequest },
        { "/api/stream?backlog=99999999", null, HttpStatusCode.BadRequest },
        { "/api/stream?grep=(", null, HttpStatusCode.BadRequest },
        { "/api/stream?grep=" + new string('a', 1001), null, HttpStatusCode.BadRequest },
        { "/api/stream", "not-an-id", HttpStatusCode.BadRequest },
        { "/api/stream", "abc:app=notanumber", HttpStatusCode.BadRequest },
        { "/api/stream", "abc:app=-5", HttpStatusCode.BadRequest },
        { "/api/sources/nope", null, HttpStatusCode.NotFound },
        { "/api/nothing-here", null, HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_client_error_with_a_problem_body(string url, string? lastEventId, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);

        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("POST", "/api/stream")]
    [InlineData("PATCH", "/metrics")]
    [InlineData("POST", "/metrics")]
    [InlineData("DELETE", "/healthz/live")]
    [InlineData("PUT", "/healthz/ready")]
    public async Task A_wrong_method_gets_405_with_a_problem_body(string method, string url)
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
