using System.Text;
using System.Text.Json;
using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary><c>GET /api/sources/{name}/search</c>: hits with their sequence numbers and context, streamed as NDJSON.</summary>
public sealed class SearchTests
{
    private static async Task<List<JsonElement>> SearchAsync(HttpClient client, string source, string query)
    {
        using var response = await client.GetAsync($"/api/sources/{source}/search?{query}");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static List<string> Texts(JsonElement lines) => lines.EnumerateArray().Select(l => l.GetProperty("text").GetString()!).ToList();

    private static async Task<(TailHubServer Server, long FirstSeq)> ServeAsync(IEnumerable<string> lines, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.PathOf("app.log"), string.Concat(lines.Select(l => l + "\n")));
        var count = File.ReadAllLines(folder.PathOf("app.log")).Length;
        var all = new Dictionary<string, string?> { ["TailHub:BacklogLines"] = "4" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var server = await TailHubServer.StartAsync(new Dictionary<string, string> { ["app"] = "app.log" }, all, folder);
        await server.WaitForPublishedAsync("app", count + 1);
        var first = (await server.Client.PageAsync("app", "after=0&limit=5")).Lines[0].Seq;
        return (server, first);
    }

    [Fact]
    public async Task Each_hit_comes_with_its_sequence_number_and_the_lines_around_it()
    {
        var lines = Enumerable.Range(1, 50).Select(i => i is 10 or 30 ? $"{i} ERROR disk full" : $"{i} ok").ToList();
        var (server, first) = await ServeAsync(lines);
        await using var _ = server;

        var records = await SearchAsync(server.Client, "app", "q=ERROR&context=2");

        var hits = records.Where(r => r.GetProperty("type").GetString() == "hit").ToList();
        Assert.Equal([first + 9, first + 29], hits.Select(h => h.GetProperty("seq").GetInt64()));
        Assert.Equal("10 ERROR disk full", hits[0].GetProperty("text").GetString());
        Assert.Equal(["8 ok", "9 ok"], Texts(hits[0].GetProperty("before")));
        Assert.Equal(["11 ok", "12 ok"], Texts(hits[0].GetProperty("after")));
        var end = records[^1];
        Assert.Equal("end", end.GetProperty("type").GetString());
        Assert.Equal("done", end.GetProperty("reason").GetString());
        Assert.Equal(2, end.GetProperty("hits").GetInt32());
        Assert.Equal(JsonValueKind.Null, end.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task A_search_stopped_by_its_limit_continues_from_its_cursor_without_missing_a_hit()
    {
        var lines = Enumerable.Range(1, 40).Select(i => i % 4 == 0 ? $"{i} ERROR" : $"{i} ok").ToList();
        var (server, _) = await ServeAsync(lines);
        await using var __ = server;

        var found = new List<string>();
        var query = "q=ERROR&limit=3&context=1";
        for (var round = 0; round < 10; round++)
        {
            var records = await SearchAsync(server.Client, "app", query);
            found.AddRange(records.Where(r => r.GetProperty("type").GetString() == "hit").Select(h => h.GetProperty("text").GetString()!));
            var next = records[^1].GetProperty("next");
            if (next.ValueKind == JsonValueKind.Null) break;
            query = $"q=ERROR&limit=3&context=1&after={next.GetProperty("after").GetInt64()}";
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"{i * 4} ERROR"), found);
    }

    [Fact]
    public async Task Hits_are_masked_as_the_live_lines_are()
    {
        var (server, _) = await ServeAsync(["connecting with password=hunter2 now", "fine"]);
        await using var __ = server;

        var records = await SearchAsync(server.Client, "app", "q=connecting");

        var hit = Assert.Single(records, r => r.GetProperty("type").GetString() == "hit");
        var live = (await server.Client.PageAsync("app", "")).Lines.Single(l => l.Text.StartsWith("connecting")).Text;
        Assert.Equal(live, hit.GetProperty("text").GetString());
        Assert.DoesNotContain("hunter2", hit.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_pattern_too_slow_for_a_line_ends_the_search_with_a_clear_error()
    {
        // Linear-time matching still costs the pattern's size per character: this one takes seconds on a 60 kB line.
        var longLine = new StringBuilder();
        while (longLine.Length < 60_000) longLine.Append("ab ");
        var (server, _) = await ServeAsync(["short", longLine.ToString(), "after"]);
        await using var __ = server;

        var records = await SearchAsync(server.Client, "app", "q=" + Uri.EscapeDataString(@"(\w+\s?){1,200}qq"));

        var end = records[^1];
        Assert.Equal("match-timeout", end.GetProperty("reason").GetString());
        Assert.Contains("took longer than", end.GetProperty("error").GetString());
        Assert.NotEqual(JsonValueKind.Null, end.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=(a)\\1", "q")]
    [InlineData("q=(", "q")]
    [InlineData("q=a&limit=0", "limit")]
    [InlineData("q=a&limit=1000000", "limit")]
    [InlineData("q=a&context=99", "context")]
    [InlineData("q=a&after=x", "after")]
    [InlineData("q=a&run=1", "run")]
    public async Task A_bad_search_request_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        var (server, _) = await ServeAsync(["a"]);
        await using var __ = server;

        var (status, problem, type) = await server.Client.ProblemAsync($"/api/sources/app/search?{query.Replace("\\", "%5C")}");

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
    }
}
