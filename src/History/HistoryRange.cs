using System.Globalization;
using TailHub.Endpoints;
using TailHub.Hosting;
using TailHub.Sources;

namespace TailHub.History;

/// <summary>
/// The stretch of a source's sequence a history request names, validated: <c>before=</c>, <c>after=</c>,
/// <c>from=</c>/<c>to=</c> or <c>since=</c> (one of them), bounded by <c>run=</c> to one run's records, and by the
/// source's last sequence number. Every bad input becomes a problem response, never an exception.
/// </summary>
/// <param name="From">The first sequence number asked for.</param>
/// <param name="To">The last one (before <paramref name="From"/> when there is nothing to give).</param>
/// <param name="Lower">The first sequence number the request may reach: its run's first, or 1.</param>
/// <param name="Upper">The last it may reach: its run's last, or the source's.</param>
public sealed record HistoryRange(long From, long To, long Lower, long Upper)
{
    public bool IsEmpty => From > To;

    /// <summary>
    /// A page: at most <paramref name="limit"/> records, at the place the query names (the newest page when it names
    /// none). <paramref name="maxSpan"/> caps <c>from</c>…<c>to</c>.
    /// </summary>
    public static (HistoryRange? Range, IResult? Problem) Page(IQueryCollection query, LiveSource live, int limit, int maxSpan)
    {
        var (bounds, problem) = Bounds(query, live);
        if (problem is not null) return (null, problem);
        var (lower, upper) = bounds;
        var named = new[] { "before", "after", "from", "since" }.Where(query.ContainsKey).ToList();
        if (named.Count > 1)
            return (null, Problems.BadRequest(named[1], $"give one of before, after, from or since, not {string.Join(" and ", named)}."));
        if (query.ContainsKey("to") && !query.ContainsKey("from"))
            return (null, Problems.BadRequest("to", "to needs from (from=SEQ&to=SEQ)."));

        long from, to;
        switch (named.FirstOrDefault())
        {
            case "before":
                if (Seq(query, "before") is not { } before) return (null, BadSeq("before"));
                to = Math.Min(before - 1, upper);
                from = Math.Max(lower, to - limit + 1);
                break;
            case "after":
                if (Seq(query, "after") is not { } after) return (null, BadSeq("after"));
                from = Math.Max(lower, after + 1);
                to = Math.Min(upper, from + limit - 1);
                break;
            case "from":
                if (Seq(query, "from") is not { } first || first < 1) return (null, Problems.BadRequest("from", "from must be a sequence number, 1 or more."));
                long last;
                if (query.ContainsKey("to"))
                {
                    if (Seq(query, "to") is not { } t) return (null, BadSeq("to"));
                    if (t < first) return (null, Problems.BadRequest("to", "to must not be before from."));
                    if (t - first + 1 > maxSpan) return (null, Problems.BadRequest("to", $"from…to spans {t - first + 1} records; at most {maxSpan} are given at once (page with after=)."));
                    last = t;
                }
                else last = first + limit - 1;
                from = Math.Max(lower, first);
                to = Math.Min(upper, last);
                break;
            case "since":
                if (Since(query, live) is not { } seqAt) return (null, SinceProblem(query, live));
                from = Math.Max(lower, seqAt.Seq);
                to = Math.Min(upper, from + limit - 1);
                break;
            default:
                to = upper;
                from = Math.Max(lower, to - limit + 1);
                break;
        }
        return (new HistoryRange(from, to, lower, upper), null);
    }

    /// <summary>
    /// A whole stretch, for a download or a search: <c>from</c>/<c>to</c> (a download), <c>after</c>/<c>before</c>
    /// (a search, both exclusive), <c>since</c>, within <c>run=</c>.
    /// </summary>
    public static (HistoryRange? Range, IResult? Problem) Span(IQueryCollection query, LiveSource live)
    {
        var (bounds, problem) = Bounds(query, live);
        if (problem is not null) return (null, problem);
        var (lower, upper) = bounds;
        var from = lower;
        var to = upper;
        if (query.ContainsKey("from"))
        {
            if (Seq(query, "from") is not { } f) return (null, BadSeq("from"));
            from = Math.Max(from, f);
        }
        if (query.ContainsKey("after"))
        {
            if (Seq(query, "after") is not { } a) return (null, BadSeq("after"));
            from = Math.Max(from, a + 1);
        }
        if (query.ContainsKey("since"))
        {
            if (Since(query, live) is not { } seqAt) return (null, SinceProblem(query, live));
            from = Math.Max(from, seqAt.Seq);
        }
        if (query.ContainsKey("to"))
        {
            if (Seq(query, "to") is not { } t) return (null, BadSeq("to"));
            to = Math.Min(to, t);
        }
        if (query.ContainsKey("before"))
        {
            if (Seq(query, "before") is not { } b) return (null, BadSeq("before"));
            to = Math.Min(to, b - 1);
        }
        return (new HistoryRange(from, to, lower, upper), null);
    }

    /// <summary>The whole source, or one run of it (<c>run=N</c>, for sources with runs).</summary>
    private static ((long Lower, long Upper) Bounds, IResult? Problem) Bounds(IQueryCollection query, LiveSource live)
    {
        var last = live.Hub.LastSeq;
        if (!query.ContainsKey("run")) return ((1, last), null);
        if (!int.TryParse(query["run"], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return (default, Problems.BadRequest("run", "run must be a run number."));
        if (live.Source is not IHasRuns runs)
            return (default, Problems.BadRequest("run", $"Source '{live.Name}' is a {live.Kind} source; only sources with runs (command, ssh, jenkins) take run=."));
        if (runs.Runs.FirstOrDefault(r => r.Number == number) is not { } run)
            return (default, Problems.NotFound($"Source '{live.Name}' has no run #{number}.", $"See GET /api/sources/{live.Name}/runs for its runs."));
        if (run.FirstSeq is not { } first)
            return (default, Problems.NotFound($"Run #{number} of source '{live.Name}' has no output yet.", "It is queued; its output starts when it does."));
        return ((first, Math.Min(last, run.LastSeq ?? last)), null);
    }

    private static long? Seq(IQueryCollection query, string name) =>
        long.TryParse(query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;

    private static IResult BadSeq(string name) => Problems.BadRequest(name, $"{name} must be a sequence number (a whole number, 0 or more).");

    /// <summary>Where <c>since=</c> starts; null when it is not a time, or the source's history does not know times.</summary>
    public static (DateTimeOffset Time, long Seq)? Since(IQueryCollection query, LiveSource live)
    {
        if (ParseTime(query["since"]) is not { } time) return null;
        return live.Hub.SeqAt(time) is { } seq ? (time, seq) : null;
    }

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    public static IResult SinceProblem(IQueryCollection query, LiveSource live) => ParseTime(query["since"]) is null
        ? Problems.BadRequest("since", "since must be a time, e.g. 2026-12-01T10:00:00Z (ISO 8601; without an offset it is UTC).")
        : Problems.BadRequest("since", $"Source '{live.Name}' does not keep when its lines were read (a mirror of another TailHub); use before/after.");
}
