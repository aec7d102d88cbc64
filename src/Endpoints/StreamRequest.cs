using System.Text.RegularExpressions;
using TailHub.Configuration;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.Endpoints;

/// <summary>The query of <c>/api/stream</c>, validated: every bad input becomes a problem response, never an exception.</summary>
public sealed class StreamRequest
{
    public IReadOnlyList<SseBroadcaster> Sources { get; private init; } = [];
    public int Backlog { get; private init; }
    public Regex? Grep { get; private init; }

    /// <summary>Only lines at this level or above (<c>level=warn</c>); <see cref="LineLevel.Unknown"/>: every line.</summary>
    public LineLevel MinLevel { get; private init; }
    public StreamCursor? Cursor { get; private init; }

    /// <summary><c>since=</c>: sources the cursor does not place start from the first record read at or after it.</summary>
    public DateTimeOffset? Since { get; private init; }
    public IResult? Problem { get; private init; }

    public static StreamRequest Parse(HttpRequest request, LiveSources live, TailHubOptions options, int maxSources = int.MaxValue, Func<string, bool>? allowed = null)
    {
        var query = request.Query;

        var names = query["sources"].ToString();
        List<SseBroadcaster> chosen;
        if (string.IsNullOrWhiteSpace(names) || names == "*" || names.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            chosen = live.All.Where(s => allowed?.Invoke(s.Name) ?? true).Select(s => s.Broadcaster).ToList();
        }
        else
        {
            chosen = [];
            var requested = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (requested.Count > maxSources)
                return Fail(Problems.BadRequest("sources", $"sources names {requested.Count} sources; at most {maxSources} may be streamed at once."));
            foreach (var name in requested)
            {
                if (live.Find(name) is not { } source)
                    return Fail(Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources."));
                if (allowed?.Invoke(source.Name) == false)
                    return Fail(Security.AccessProblems.Forbidden($"This key may not use source '{source.Name}'."));
                chosen.Add(source.Broadcaster);
            }
        }
        if (chosen.Count == 0) return Fail(Problems.NotFound("No sources are configured.", "Add sources under TailHub:Sources or with --source name=path."));

        var backlog = options.BacklogLines;
        if (query.TryGetValue("backlog", out var backlogText))
        {
            if (!int.TryParse(backlogText, System.Globalization.NumberStyles.None, null, out backlog) || backlog > options.BacklogLines)
                return Fail(Problems.BadRequest("backlog", $"backlog must be a whole number from 0 to {options.BacklogLines}."));
        }

        Regex? grep = null;
        var pattern = query["grep"].ToString();
        if (pattern.Length > 0)
        {
            if (pattern.Length > options.GrepMaxLength)
                return Fail(Problems.BadRequest("grep", $"grep is longer than {options.GrepMaxLength} characters."));
            try
            {
                // Linear in the line's length whatever the pattern: no catastrophic backtracking for a viewer to provoke.
                grep = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, options.GrepTimeout);
            }
            catch (ArgumentException e)
            {
                return Fail(Problems.BadRequest("grep", $"grep is not a valid regular expression: {e.Message}"));
            }
            catch (NotSupportedException e)
            {
                return Fail(Problems.BadRequest("grep",
                    "grep must run in linear time, so backreferences, lookarounds, atomic groups, conditionals and \\G are not supported: " + e.Message));
            }
        }

        var minLevel = LineLevel.Unknown;
        var level = query["level"].ToString();
        if (level.Length > 0 && !LineLevels.TryParse(level, out minLevel))
            return Fail(Problems.BadRequest("level", "level must be one of trace, debug, info, warn, error, fatal: lines at that level and above are sent."));

        var id = request.Headers["Last-Event-ID"].ToString();
        if (id.Length == 0) id = query["lastEventId"].ToString();
        var cursor = StreamCursor.TryParse(id, out var error);
        if (error is not null) return Fail(Problems.BadRequest("Last-Event-ID", error));

        DateTimeOffset? since = null;
        if (query.ContainsKey("since"))
        {
            since = History.HistoryRange.ParseTime(query["since"]);
            if (since is null) return Fail(Problems.BadRequest("since", "since must be a time, e.g. 2026-12-01T10:00:00Z (ISO 8601; without an offset it is UTC)."));
        }

        return new StreamRequest { Sources = chosen, Backlog = backlog, Grep = grep, MinLevel = minLevel, Cursor = cursor, Since = since };
    }

    private static StreamRequest Fail(IResult problem) => new() { Problem = problem };
}
