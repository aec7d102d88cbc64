using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary><c>GET /api/sources/{name}/lines</c> on a file that is written, rotated and truncated while TailHub runs.</summary>
public sealed class LinesTests
{
    private static Task<TailHubServer> ServeAsync(TempFolder folder, string backlog = "3") =>
        TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, new Dictionary<string, string?>
        {
            ["TailHub:BacklogLines"] = backlog,
            ["TailHub:RotatedFileGrace"] = "00:00:00",
        }, folder);

    /// <summary>Every record of the source, paged forward with small pages.</summary>
    private static async Task<(List<(long Seq, string Text)> Lines, List<(long From, long To, string Reason)> Gaps, List<(long Seq, string Kind)> Notices)> AllAsync(HttpClient client)
    {
        var lines = new List<(long, string)>();
        var gaps = new List<(long, long, string)>();
        var notices = new List<(long, string)>();
        var after = 0L;
        while (true)
        {
            var page = await client.PageAsync("app", $"after={after}&limit=4");
            lines.AddRange(page.Lines);
            // A gap that spans pages comes in pieces, one per page: put them back together.
            foreach (var gap in page.Gaps)
            {
                if (gaps.Count > 0 && gaps[^1].Item2 + 1 == gap.From && gaps[^1].Item3 == gap.Reason) gaps[^1] = (gaps[^1].Item1, gap.To, gap.Reason);
                else gaps.Add(gap);
            }
            notices.AddRange(page.Notices);
            after = page.After;
            if (page.AtEnd) return (lines, gaps, notices);
        }
    }

    private static async Task WaitForLineAsync(TailHubServer server, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if ((await server.Client.PageAsync("app", "limit=50")).Lines.Any(l => l.Text == text)) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"line '{text}' never arrived");
    }

    [Fact]
    public async Task Pages_run_on_across_a_rotation_and_report_the_deleted_file_as_a_gap()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("app.log");
        File.WriteAllText(path, "");
        await using var server = await ServeAsync(folder);
        using (var writer = new LogWriter(path))
            for (var i = 1; i <= 6; i++) writer.WriteLine($"old {i}");
        await WaitForLineAsync(server, "old 6");
        File.Move(path, path + ".1");
        File.WriteAllText(path, "new 1\nnew 2\n");
        await WaitForLineAsync(server, "new 2");

        var rotated = await AllAsync(server.Client);
        Assert.Empty(rotated.Gaps);
        Assert.Equal([.. Enumerable.Range(1, 6).Select(i => $"old {i}"), "new 1", "new 2"], rotated.Lines.Select(l => l.Text));
        Assert.Contains(rotated.Notices, n => n.Kind == "rotated");

        File.Delete(path + ".1");
        var gone = await AllAsync(server.Client);
        var gap = Assert.Single(gone.Gaps);
        Assert.Equal("file-gone", gap.Reason);
        Assert.Equal(rotated.Lines[0].Seq, gap.From);
        Assert.Equal(rotated.Lines[5].Seq, gap.To);
        Assert.Equal(["new 1", "new 2"], gone.Lines.Select(l => l.Text));
    }

    [Fact]
    public async Task Pages_across_a_truncation_give_a_truncated_gap_for_the_lines_that_were_overwritten()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("app.log");
        File.WriteAllText(path, "");
        await using var server = await ServeAsync(folder);
        using (var writer = new LogWriter(path))
            for (var i = 1; i <= 5; i++) writer.WriteLine($"before {i}");
        await WaitForLineAsync(server, "before 5");
        File.WriteAllText(path, "after 1\n");
        await WaitForLineAsync(server, "after 1");

        var all = await AllAsync(server.Client);

        // The overwritten lines are a gap, but for those the in-memory backlog still holds as they were published.
        var gap = Assert.Single(all.Gaps);
        Assert.Equal("truncated", gap.Reason);
        var fromMemory = all.Lines.Where(l => l.Text.StartsWith("before")).ToList();
        Assert.Equal(5, gap.To - gap.From + 1 + fromMemory.Count);
        Assert.All(fromMemory, l => Assert.True(l.Seq > gap.To));
        Assert.Contains(all.Notices, n => n.Kind == "truncated" && n.Seq > gap.To);
        Assert.Equal("after 1", all.Lines[^1].Text);
    }

    [Fact]
    public async Task Since_starts_at_the_first_line_read_at_or_after_that_time()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("app.log");
        File.WriteAllText(path, "");
        await using var server = await ServeAsync(folder, backlog: "16");
        var padding = new string('.', 200);
        using var writer = new LogWriter(path);
        for (var i = 1; i <= 100; i++) writer.WriteLine($"early {i} {padding}");
        await WaitForLineAsync(server, $"early 100 {padding}");
        // The time dimension itself: lines read more than a second apart are told apart by time.
        await Task.Delay(1100);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        for (var i = 1; i <= 100; i++) writer.WriteLine($"late {i}");
        await WaitForLineAsync(server, "late 100");

        var page = await server.Client.PageAsync("app", $"since={Uri.EscapeDataString(since.ToString("O"))}&limit=5");

        Assert.Equal(["late 1", "late 2", "late 3", "late 4", "late 5"], page.Lines.Select(l => l.Text));
        await using var stream = await SseTestClient.ConnectAsync(server.BaseAddress, $"/api/stream?sources=app&since={Uri.EscapeDataString(since.ToString("O"))}");
        var events = await stream.ReadUntilLinesAsync("app", 100);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"late {i}"), events.Where(e => e.Type == "app").SelectMany(e => e.Lines).Select(l => l.Text));
    }

    [Theory]
    [InlineData("limit=0", 400, "limit")]
    [InlineData("limit=10001", 400, "limit")]
    [InlineData("after=-1", 400, "after")]
    [InlineData("before=abc", 400, "before")]
    [InlineData("after=1&before=5", 400, "after")]
    [InlineData("from=0", 400, "from")]
    [InlineData("from=5&to=4", 400, "to")]
    [InlineData("from=1&to=20000", 400, "to")]
    [InlineData("to=5", 400, "to")]
    [InlineData("since=yesterday", 400, "since")]
    [InlineData("run=1", 400, "run")]
    public async Task A_bad_page_request_is_a_400_problem_naming_the_parameter(string query, int status, string parameter)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "a\n");
        await using var server = await ServeAsync(folder);

        var (actual, problem, type) = await server.Client.ProblemAsync($"/api/sources/app/lines?{query}");

        Assert.Equal(status, actual);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task An_unknown_source_is_a_404_and_another_epoch_a_409()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), "a\n");
        await using var server = await ServeAsync(folder);

        Assert.Equal(404, (await server.Client.ProblemAsync("/api/sources/nope/lines")).Status);
        var (status, problem, _) = await server.Client.ProblemAsync("/api/sources/app/lines?epoch=00000000");
        Assert.Equal(409, status);
        Assert.Equal("Sequence restarted", problem.GetProperty("title").GetString());
    }
}
