using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

public sealed class PageTests
{
    [Fact]
    public async Task The_page_is_served_at_the_root()
    {
        await using var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" });

        using var response = await server.Client.GetAsync("/");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("TailHub", await response.Content.ReadAsStringAsync());
    }
}
