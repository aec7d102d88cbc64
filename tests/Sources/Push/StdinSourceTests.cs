using System.Diagnostics;
using System.Text;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Push;

/// <summary><c>some-command | TailHub --source build=-</c>: the real process streams its standard input as a source.</summary>
public sealed class StdinSourceTests
{
    private static async Task WriteAsync(TailHubProcess tailhub, string text)
    {
        await tailhub.Input.WriteAsync(Encoding.UTF8.GetBytes(text));
        await tailhub.Input.FlushAsync();
    }

    [Fact]
    public async Task Lines_written_to_standard_input_reach_viewers_as_they_are_written()
    {
        using var folder = new TempFolder();
        await using var tailhub = await TailHubProcess.StartAsync(folder, "--source", "build=-");
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build&backlog=0");

        await WriteAsync(tailhub, "compiling\n");
        var first = await viewer.ReadLinesAsync("build", 1);
        await WriteAsync(tailhub, "linking\ntesting\n");
        var next = await viewer.ReadLinesAsync("build", 2);

        Assert.Equal("compiling", Assert.Single(first).GetProperty("text").GetString());
        Assert.Equal(["linking", "testing"], next.Select(l => l.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Closing_standard_input_publishes_a_final_line_without_a_newline()
    {
        using var folder = new TempFolder();
        await using var tailhub = await TailHubProcess.StartAsync(folder, "--source", "build=-");
        await using var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build&backlog=0");
        await WriteAsync(tailhub, "done\nexit code 0");
        await viewer.ReadLinesAsync("build", 1);

        tailhub.Input.Close();
        var last = await viewer.ReadLinesAsync("build", 1);

        Assert.Equal("exit code 0", Assert.Single(last).GetProperty("text").GetString());
        // The command ended; TailHub did not: its page still answers.
        using var response = await tailhub.Client.GetAsync("/api/sources/build");
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task TailHub_stops_when_asked_while_standard_input_is_still_open()
    {
        using var folder = new TempFolder();
        await using var tailhub = await TailHubProcess.StartAsync(folder, "--source", "build=-");
        await using (var viewer = await SseTestClient.ConnectAsync(tailhub.BaseAddress, "/api/stream?sources=build&backlog=0"))
        {
            // Once the line is out, TailHub is waiting on its standard input for more.
            await WriteAsync(tailhub, "a command that is still running\n");
            await viewer.ReadLinesAsync("build", 1);
        }
        var clock = Stopwatch.StartNew();

        var exitCode = await tailhub.StopAsync();

        // Not held until the shutdown timeout (30 s) by a read that waits for input.
        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
