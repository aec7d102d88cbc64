using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.Endpoints;

/// <summary>grep= from a hostile client: a linear-time engine, work kept to the viewer that asked, cancelled when it leaves.</summary>
public sealed class GrepTests
{
    /// <summary>Catastrophic for a backtracking engine on any line of words without a '#'.</summary>
    private const string Hostile = @"^(\S+\s?)*#";

    private static string HostileLine(int i) => $"line {i} " + string.Join(' ', Enumerable.Repeat("word1234 abcdefghij", 5));

    private static async Task<TailHubServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "");
        return await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, settings, folder);
    }

    [Theory]
    [InlineData(@"(a)\1")]
    [InlineData("(?=error)e")]
    [InlineData("(?<=a)b")]
    [InlineData("(?>a+)b")]
    public async Task A_pattern_that_cannot_run_in_linear_time_is_a_400_problem_saying_why(string pattern)
    {
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync("/api/stream?sources=app&grep=" + Uri.EscapeDataString(pattern), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("grep", problem.GetProperty("parameter").GetString());
        Assert.Contains("linear time", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_catastrophic_backtracking_pattern_filters_correctly()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        await using var viewer = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&grep=" + Uri.EscapeDataString(Hostile));

        for (var i = 0; i < 20; i++) writer.WriteLine(HostileLine(i));
        writer.WriteLine("tagged #1");

        var lines = (await viewer.ReadUntilLinesAsync("app", 1)).Where(e => e.Type == "app").SelectMany(e => e.Lines);
        Assert.Equal(["tagged #1"], lines.Select(l => l.Text));
    }

    [Fact]
    public async Task A_hostile_grep_viewer_does_not_delay_another_viewers_lines()
    {
        await using var server = await StartAsync();
        using var writer = new LogWriter(server.Folder.PathOf("app.log"));
        // The hostile viewer subscribes first, so it comes first wherever the source feeds its viewers in turn (a
        // stream is subscribed once its headers have arrived).
        await using var hostile = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0&grep=" + Uri.EscapeDataString(Hostile));
        await using var plain = await SseTestClient.ConnectAsync(server.BaseAddress, "/api/stream?sources=app&backlog=0");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) writer.WriteLine(HostileLine(i));
        await plain.ReadUntilLinesAsync("app", 100, TimeSpan.FromSeconds(30));

        // A backtracking engine spends its match timeout (100 ms) on each of these lines: 10 s for the hundred.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the plain viewer waited {clock.Elapsed.TotalSeconds:F1} s for its lines");
    }

    [Fact]
    public async Task Six_hostile_grep_streams_over_a_full_backlog_leave_health_fast_and_end_when_their_clients_leave()
    {
        // InitialLines too: the tailer may first see the file after the lines are in it.
        await using var server = await StartAsync(new() { ["TailHub:BacklogLines"] = "1000", ["TailHub:InitialLines"] = "1000" });
        using (var writer = new LogWriter(server.Folder.PathOf("app.log")))
        {
            writer.Write(string.Concat(Enumerable.Range(0, 1000).Select(i => HostileLine(i) + "\n")));
        }
        await server.WaitForPublishedAsync("app", 1000);

        // Like six `curl -m N`: the clients give up whatever the server is doing.
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var leave = new CancellationTokenSource();
        var url = "/api/stream?sources=app&backlog=1000&grep=" + Uri.EscapeDataString(Hostile);
        var streams = Enumerable.Range(0, 6).Select(_ => http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, leave.Token)).ToList();
        await ViewersReachAsync(server, 6);

        var clock = Stopwatch.StartNew();
        using var live = await server.Client.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"/healthz/live took {clock.Elapsed.TotalMilliseconds:F0} ms with six hostile streams open");

        leave.Cancel();
        foreach (var stream in streams)
        {
            try { (await stream).Dispose(); }
            catch (OperationCanceledException) { }
        }

        // Each stream's work, backlog filtering included, ends with its client: the source soon has no viewer left.
        Assert.Equal(0, await ViewersReachAsync(server, 0));
    }

    /// <summary>Polls the source's viewer count until it is <paramref name="expected"/> or 5 s have passed; returns the last count.</summary>
    private static async Task<long> ViewersReachAsync(TailHubServer server, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        long viewers;
        while ((viewers = (await server.SourceAsync("app")).GetProperty("viewers").GetInt64()) != expected && DateTime.UtcNow < deadline) await Task.Delay(50);
        return viewers;
    }
}
