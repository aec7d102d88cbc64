using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TailHub.Endpoints;
using TailHub.Hosting;

namespace TailHub.History;

/// <summary>
/// A source's history, for viewers: <c>GET /api/sources/{name}/lines</c> (a page of records),
/// <c>…/download</c> (the masked text as a file) and <c>…/search</c> (NDJSON hits as they are found). Every route reads
/// back through the source's journal, so lines are masked exactly as they were live.
/// </summary>
public static class HistoryEndpoints
{
    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/sources/{name}/lines", LinesAsync)
            .WithName("HistoryLines")
            .WithSummary("A page of a source's records: before=SEQ, after=SEQ, from=SEQ&to=SEQ or since=TIME, with limit=N and run=N.");
        routes.MapGet("/api/sources/{name}/download", DownloadAsync)
            .WithName("HistoryDownload")
            .WithSummary("The masked text of a source (from=, to=, since=, run=) as a file download, streamed.");
        routes.MapGet("/api/sources/{name}/search", SearchAsync)
            .WithName("HistorySearch")
            .WithSummary("Searches a source's history for q=REGEX (after=, before=, limit=, context=, run=): NDJSON hits, progress and an end record.");
        return routes;
    }

    private static async Task<IResult> LinesAsync(string name, HttpContext http, LiveSources sources, IOptions<HistoryOptions> options)
    {
        if (Find(name, sources, http.Request.Query, out var live) is { } missing) return missing;
        var o = options.Value;
        if (Limit(http.Request.Query, o.DefaultPageLines, o.MaxPageLines) is not { } limit)
            return Problems.BadRequest("limit", $"limit must be a whole number from 1 to {o.MaxPageLines}.");
        var (range, problem) = HistoryRange.Page(http.Request.Query, live!, limit, o.MaxPageLines);
        if (problem is not null) return problem;
        var records = range!.IsEmpty ? [] : live!.Hub.History(range.From - 1, range.To);
        await HistoryPage.WriteAsync(http.Response, live!, range, records, http.RequestAborted);
        return Results.Empty;
    }

    private static async Task<IResult> DownloadAsync(string name, HttpContext http, LiveSources sources)
    {
        if (Find(name, sources, http.Request.Query, out var live) is { } missing) return missing;
        var (range, problem) = HistoryRange.Span(http.Request.Query, live!);
        if (problem is not null) return problem;
        try
        {
            await HistoryDownload.WriteAsync(http, live!, range!, http.Request.Query.ContainsKey("run") ? http.Request.Query["run"].ToString() : null);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        return Results.Empty;
    }

    private static async Task<IResult> SearchAsync(string name, HttpContext http, LiveSources sources, IOptions<HistoryOptions> options, TimeProvider time, HistorySearches searches)
    {
        var query = http.Request.Query;
        if (Find(name, sources, query, out var live) is { } missing) return missing;
        var o = options.Value;
        var q = query["q"].ToString();
        if (q.Length == 0) return Problems.BadRequest("q", "q (the regular expression to search for) is required.");
        if (q.Length > o.SearchMaxPatternLength) return Problems.BadRequest("q", $"q is longer than {o.SearchMaxPatternLength} characters.");
        if (Limit(query, o.DefaultSearchHits, o.MaxSearchHits) is not { } limit)
            return Problems.BadRequest("limit", $"limit must be a whole number from 1 to {o.MaxSearchHits}.");
        var maxContext = o.SearchContextLines * 5;
        var context = o.SearchContextLines;
        if (query.ContainsKey("context") && (!int.TryParse(query["context"], NumberStyles.None, CultureInfo.InvariantCulture, out context) || context > maxContext))
            return Problems.BadRequest("context", $"context must be a whole number from 0 to {maxContext}.");
        Regex pattern;
        try
        {
            // Linear in the line's length whatever the pattern; the match timeout is the safety net.
            pattern = new Regex(q, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, o.SearchMatchTimeout);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("q", $"q is not a valid regular expression: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            return Problems.BadRequest("q", "q must run in linear time, so backreferences, lookarounds, atomic groups, conditionals and \\G are not supported: " + e.Message);
        }
        var (range, problem) = HistoryRange.Span(query, live!);
        if (problem is not null) return problem;

        // The same pattern with ^ and $ at every line, to search a block of lines at once; not for one anchored at the text's ends.
        var blockPattern = q.Contains("\\A", StringComparison.Ordinal) || q.Contains("\\z", StringComparison.Ordinal) || q.Contains("\\Z", StringComparison.Ordinal)
            ? null
            : new Regex(q, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.Multiline, o.SearchMatchTimeout);
        var search = new HistorySearch(live!, pattern, blockPattern, limit, context, o, time);
        searches.Start();
        var end = SearchEnd.Cancelled;
        try
        {
            end = await search.RunAsync(http, range!);
        }
        finally
        {
            searches.End(end, search.ScannedTo);
        }
        return Results.Empty;
    }

    /// <summary>The source, or 404; 409 when <c>epoch=</c> names another sequence than the source's.</summary>
    private static IResult? Find(string name, LiveSources sources, IQueryCollection query, out LiveSource? live)
    {
        live = sources.Find(name);
        if (live is null)
            return Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources.");
        var epoch = query["epoch"].ToString();
        if (epoch.Length > 0 && epoch != live.Hub.Epoch)
            return TypedResults.Problem($"Source '{live.Name}' is now numbered in epoch '{live.Hub.Epoch}', not '{Problems.Clip(epoch)}': its sequence started over, so those numbers name other lines.",
                statusCode: StatusCodes.Status409Conflict, title: "Sequence restarted", extensions: new Dictionary<string, object?> { ["epoch"] = live.Hub.Epoch });
        return null;
    }

    private static int? Limit(IQueryCollection query, int fallback, int max)
    {
        if (!query.ContainsKey("limit")) return fallback;
        return int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max ? limit : null;
    }
}
