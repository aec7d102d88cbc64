using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Hosting;
using TailHub.Limits;
using TailHub.Observability;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Endpoints;

/// <summary><c>GET /api/stream</c>: the live SSE stream of one or more sources.</summary>
public static class StreamEndpoints
{
    public static IEndpointRouteBuilder MapStream(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/stream", StreamAsync)
            .WithName("Stream")
            .WithSummary("Server-Sent Events: backlog or resume, then live lines of the chosen sources.");
        return routes;
    }

    private static async Task<IResult> StreamAsync(
        HttpContext context,
        LiveSources sources,
        ViewerRegistry registry,
        IOptions<TailHubOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        TailHubMetrics metrics,
        ViewerAdmission admission,
        IOptions<LimitsOptions> limits,
        IOptions<History.HistoryOptions> historyOptions,
        Security.AccessPolicy access)
    {
        var o = options.Value;
        var request = StreamRequest.Parse(context.Request, sources, o, limits.Value.MaxSourcesPerStream, name => access.AllowsSource(context.User, name));
        if (request.Problem is { } problem) return problem;
        var (startAt, sinceProblem) = SinceStarts(request, historyOptions.Value.MaxStreamReplayLines);
        if (sinceProblem is not null) return sinceProblem;

        // Checked before subscribing: a viewer over a cap is turned away, and nobody else's stream is touched.
        var (lease, refusal) = admission.TryAdmit(context.Connection.RemoteIpAddress);
        if (lease is null)
        {
            foreach (var source in request.Sources) metrics.CountRefusal(source.Name, refusal);
            return Refuse(context, refusal, limits.Value);
        }
        using var admitted = lease;

        var viewer = new Viewer(request.Sources, request.Grep, o.ViewerQueueBatches, time.GetUtcNow().UtcTicks, request.MinLevel);
        var logger = loggers.CreateLogger("TailHub.Streaming.Viewers");
        var history = new List<List<SourceRecord>>(request.Sources.Count);
        var published = new long[request.Sources.Count];
        registry.Add(viewer);
        try
        {
            for (var i = 0; i < request.Sources.Count; i++)
            {
                var broadcaster = request.Sources[i];
                published[i] = broadcaster.Subscribe(viewer);
                CursorPosition? resumeFrom = request.Cursor?.Positions.TryGetValue(broadcaster.Name, out var p) == true ? p : startAt[i];
                history.Add(ResumePolicy.HistoryFor(broadcaster.Hub, resumeFrom, request.Backlog, published[i], time.GetUtcNow().ToUnixTimeMilliseconds(), out var position));
                viewer.Positions[i] = position;
            }

            var response = context.Response;
            response.Headers.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache, no-store, no-transform";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            // Debug: a viewer coming and going is not news, and on TailHub's own log it would be what every viewer sees first.
            logger.LogDebug("Viewer connected to {Sources} ({Viewers} viewers)", string.Join(",", viewer.SourceNames), registry.Count);
            var session = new SseViewerSession(viewer, response.BodyWriter, o, time, logger, metrics);
            // The registry ends the stream when the server stops (see ViewerRegistry).
            await session.RunAsync(history, published, context.RequestAborted);
        }
        finally
        {
            foreach (var broadcaster in request.Sources) broadcaster.Unsubscribe(viewer);
            viewer.Complete();
            registry.Remove(viewer);
            logger.LogDebug("Viewer left {Sources} ({Viewers} viewers)", string.Join(",", viewer.SourceNames), registry.Count);
        }
        return Results.Empty;
    }

    /// <summary>
    /// Where <c>since=</c> starts each source the cursor does not place: just before the first record read at or after
    /// the time. A time further back than the stream replays is refused, pointing at <c>/lines</c>.
    /// </summary>
    private static (CursorPosition?[] Starts, IResult? Problem) SinceStarts(StreamRequest request, int maxReplay)
    {
        var starts = new CursorPosition?[request.Sources.Count];
        if (request.Since is not { } since) return (starts, null);
        for (var i = 0; i < request.Sources.Count; i++)
        {
            var hub = request.Sources[i].Hub;
            if (request.Cursor?.Positions.ContainsKey(hub.Name) == true) continue;
            if (hub.SeqAt(since) is not { } seq)
                return (starts, Problems.BadRequest("since", $"Source '{hub.Name}' does not keep when its lines were read (a mirror of another TailHub)."));
            if (hub.LastSeq - (seq - 1) > maxReplay)
                return (starts, Problems.BadRequest("since",
                    $"since is {hub.LastSeq - seq + 1} records back in source '{hub.Name}'; the stream replays at most {maxReplay}. Read older lines with GET /api/sources/{hub.Name}/lines?since=…"));
            starts[i] = new CursorPosition(hub.Epoch, seq - 1);
        }
        return (starts, null);
    }

    private static IResult Refuse(HttpContext context, AdmissionRefusal refusal, LimitsOptions limits) => refusal == AdmissionRefusal.ClientFull
        ? LimitProblems.TryLater(context, StatusCodes.Status429TooManyRequests, "Too many streams from this client",
            $"This client already has {limits.MaxViewersPerClient} streams open; close one or try again later.", limits.RetryAfterSeconds)
        : LimitProblems.TryLater(context, StatusCodes.Status503ServiceUnavailable, "Too many viewers",
            $"TailHub is serving its maximum of {limits.MaxViewers} viewers; try again later.", limits.RetryAfterSeconds);
}
