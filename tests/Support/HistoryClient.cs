using System.Net.Http.Json;
using System.Text.Json;

namespace TailHub.Tests.Support;

/// <summary>A page of <c>GET /api/sources/{name}/lines</c>, as parsed from its JSON.</summary>
public sealed record HistoryPageView(JsonElement Json)
{
    public IReadOnlyList<(long Seq, string Text)> Lines =>
        Json.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("seq").GetInt64(), l.GetProperty("text").GetString()!)).ToList();

    public IReadOnlyList<(long From, long To, string Reason)> Gaps =>
        Json.GetProperty("gaps").EnumerateArray().Select(g => (g.GetProperty("from").GetInt64(), g.GetProperty("to").GetInt64(), g.GetProperty("reason").GetString()!)).ToList();

    public IReadOnlyList<(long Seq, string Kind)> Notices =>
        Json.GetProperty("notices").EnumerateArray().Select(n => (n.GetProperty("seq").GetInt64(), n.GetProperty("kind").GetString()!)).ToList();

    public long? Before => Json.GetProperty("previous").ValueKind == JsonValueKind.Null ? null : Json.GetProperty("previous").GetProperty("before").GetInt64();
    public long After => Json.GetProperty("next").GetProperty("after").GetInt64();
    public bool AtEnd => Json.GetProperty("atEnd").GetBoolean();
}

/// <summary>Reads a source's history over real HTTP.</summary>
public static class HistoryClient
{
    public static async Task<HistoryPageView> PageAsync(this HttpClient client, string source, string query)
    {
        using var response = await client.GetAsync($"/api/sources/{source}/lines?{query}");
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
        return new HistoryPageView(JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>The problem+json body of a refused history request, with its status.</summary>
    public static async Task<(int Status, JsonElement Problem, string? ContentType)> ProblemAsync(this HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(pathAndQuery);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)response.StatusCode, problem, response.Content.Headers.ContentType?.MediaType);
    }
}
