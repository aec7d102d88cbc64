using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using TailHub.Hosting;
using TailHub.Limits;
using TailHub.Pipeline;
using TailHub.Security;
using TailHub.Sources;
using TailHub.Sources.Push;

namespace TailHub.Endpoints;

/// <summary>
/// <c>PUT/POST /api/sources/{name}/lines</c>: lines pushed to a push source, streamed (<c>curl -T -</c>: each line is
/// published as its chunk arrives), as JSON, or as NDJSON; <c>HEAD</c> on the same URL answers where the source's
/// pushed stream ends (<c>Upload-Offset</c>), so a client can retry an upload from there without repeating a line.
/// </summary>
public static class IngestEndpoints
{
    private const string UploadOffset = "Upload-Offset";

    // A JSON body is read whole; NDJSON is read record by record and each record is bounded.
    private const int MaxJsonBodyBytes = 16 * 1024 * 1024;

    public sealed record PushView(long? FirstSeq, long? LastSeq, long Lines, long Offset);

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/api/sources/{name}/lines", [HttpMethods.Put, HttpMethods.Post], PushAsync)
            .WithMetadata(new StreamedRequestBody())
            .WithName("PushLines")
            .WithSummary("Adds lines to a push source: a raw streaming body (text/plain or none), application/json or application/x-ndjson.");
        routes.MapMethods("/api/sources/{name}/lines", [HttpMethods.Head], Offset)
            .WithName("PushedOffset")
            .WithSummary("Where the source's pushed stream ends, in the Upload-Offset header.");
        return routes;
    }

    private static IResult Offset(string name, HttpContext context, LiveSources sources)
    {
        if (Find(name, sources, out var push) is { } problem) return problem;
        context.Response.Headers[UploadOffset] = push!.Offset.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok();
    }

    private static async Task<IResult> PushAsync(string name, HttpContext context, LiveSources sources, ClaimsPrincipal user)
    {
        if (Find(name, sources, out var push) is { } problem) return problem;
        var writer = user.FindFirst(AccessClaims.KeyId)?.Value is { } key ? "key:" + key : "ip:" + context.Connection.RemoteIpAddress;
        if (push!.RetryAfter(writer) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem($"This writer is over source '{name}''s limit of lines per second; try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many lines");
        }

        var type = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        try
        {
            return type switch
            {
                null or "" or "text/plain" or "application/octet-stream" => await StreamAsync(name, context, push, writer),
                "application/json" => await JsonAsync(context, push, writer),
                "application/x-ndjson" or "application/ndjson" => await NdjsonAsync(context, push, writer),
                _ => TypedResults.Problem($"Content-Type '{Problems.Clip(type)}' is not accepted: send text (text/plain, or none), application/json or application/x-ndjson.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type"),
            };
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem("The request body is too large for its content type; stream raw text for large uploads.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }
    }

    /// <summary>A raw body: framed as it arrives; a quiet command is never cut off for sending slowly.</summary>
    private static async Task<IResult> StreamAsync(string name, HttpContext context, IAcceptsPushedLines push, string writer)
    {
        if (StartOffset(context.Request, out var startsAt) is { } bad) return bad;
        Unbounded(context);
        var upload = await push.BeginUploadAsync(startsAt, writer, context.RequestAborted);
        if (upload is null) return Hole(context, name, startsAt!.Value, push.Offset);

        var body = context.Request.BodyReader;
        var ended = false;
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(context.RequestAborted);
                await upload.WriteAsync(read.Buffer, context.RequestAborted);
                body.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) break;
            }
            ended = true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away: every complete line it sent is kept, and a partial one is held for its retry.
        }
        var result = await upload.CompleteAsync(endOfStream: false, CancellationToken.None);
        if (!ended) return Results.Empty;
        return Accepted(context, result);
    }

    /// <summary><c>{"line": "…"}</c> or <c>{"lines": ["…", {"line": "…", "ts": …, "level": "warn"}]}</c>.</summary>
    private static async Task<IResult> JsonAsync(HttpContext context, IAcceptsPushedLines push, string writer)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxJsonBodyBytes;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("body", $"the body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var lines = new List<PushedLine>();
            string? error = null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("lines", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    if (Line(item, out var line, out error) is false) { error = $"lines[{i}]: {error}"; break; }
                    lines.Add(line!);
                    i++;
                }
            }
            else if (Line(root, out var line, out error)) lines.Add(line!);
            if (error is not null) return Problems.BadRequest("body", error + " Send {\"line\": \"…\"} or {\"lines\": [\"…\", …]}.");
            return Accepted(context, await push.AddLinesAsync(lines, writer, context.RequestAborted));
        }
    }

    /// <summary>One JSON object per line (<c>{"line": "…", "ts": …, "level": "…"}</c>), published as the records arrive.</summary>
    private static async Task<IResult> NdjsonAsync(HttpContext context, IAcceptsPushedLines push, string writer)
    {
        Unbounded(context);
        var body = context.Request.BodyReader;
        var maxRecord = 4 * 1024 * 1024;
        var record = 0;
        long firstSeq = 0, lastSeq = 0, total = 0;
        PushResult? last = null;
        while (true)
        {
            var read = await body.ReadAsync(context.RequestAborted);
            var buffer = read.Buffer;
            var batch = new List<PushedLine>();
            string? error = null;
            while (TryTakeLine(ref buffer, read.IsCompleted, out var json))
            {
                record++;
                if (json.IsEmpty || IsBlank(json)) continue;
                try
                {
                    using var document = JsonDocument.Parse(json.ToArray());
                    if (!Line(document.RootElement, out var line, out error)) { error = $"record {record}: {error}"; break; }
                    batch.Add(line!);
                }
                catch (JsonException e)
                {
                    error = $"record {record} is not valid JSON: {e.Message}";
                    break;
                }
            }
            if (error is null && buffer.Length > maxRecord) error = $"record {record + 1} is longer than {maxRecord} bytes.";
            if (batch.Count > 0)
            {
                last = await push.AddLinesAsync(batch, writer, context.RequestAborted);
                if (last.FirstSeq is { } f && firstSeq == 0) firstSeq = f;
                if (last.LastSeq is { } l) lastSeq = l;
                total += last.Lines;
            }
            if (error is not null)
            {
                body.AdvanceTo(read.Buffer.End);
                return Problems.BadRequest("body", $"{error} The {total} lines before it were kept.");
            }
            body.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted) break;
        }
        return Accepted(context, new PushResult(total > 0 ? firstSeq : null, total > 0 ? lastSeq : null, total, push.Offset));
    }

    private static bool Line(JsonElement element, out PushedLine? line, out string? error)
    {
        line = null;
        error = null;
        if (element.ValueKind == JsonValueKind.String)
        {
            line = new PushedLine(element.GetString()!, null, LineLevel.Unknown);
            return true;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "a line must be a string or an object with a \"line\" string.";
            return false;
        }
        if (!(element.TryGetProperty("line", out var text) || element.TryGetProperty("text", out text)) || text.ValueKind != JsonValueKind.String)
        {
            error = "an object needs a \"line\" string.";
            return false;
        }
        DateTimeOffset? ts = null;
        if (element.TryGetProperty("ts", out var tsElement))
        {
            if (tsElement.ValueKind == JsonValueKind.Number && tsElement.TryGetInt64(out var ms) && ms >= 0) ts = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            else if (tsElement.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(tsElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) ts = parsed;
            else
            {
                error = "\"ts\" must be Unix milliseconds or an ISO 8601 time.";
                return false;
            }
        }
        var level = LineLevel.Unknown;
        if (element.TryGetProperty("level", out var levelElement) && (levelElement.ValueKind != JsonValueKind.String || !LineLevels.TryParse(levelElement.GetString(), out level)))
        {
            error = "\"level\" must be one of trace, debug, info, warn, error, fatal.";
            return false;
        }
        line = new PushedLine(text.GetString()!, ts, level);
        return true;
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, bool final, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is { } at)
        {
            line = buffer.Slice(0, at);
            buffer = buffer.Slice(buffer.GetPosition(1, at));
            return true;
        }
        if (final && !buffer.IsEmpty)
        {
            line = buffer;
            buffer = buffer.Slice(buffer.End);
            return true;
        }
        line = default;
        return false;
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        }
        return true;
    }

    /// <summary>Where the body starts in the pushed stream: <c>Upload-Offset: N</c>, or <c>Content-Range: bytes N-M/*</c> (also GitLab's <c>N-M</c>).</summary>
    private static IResult? StartOffset(HttpRequest request, out long? startsAt)
    {
        startsAt = null;
        var offset = request.Headers[UploadOffset].ToString();
        if (offset.Length > 0)
        {
            if (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return Problems.BadRequest(UploadOffset, "Upload-Offset must be a whole number of bytes.");
            startsAt = n;
            return null;
        }
        var range = request.Headers.ContentRange.ToString();
        if (range.Length == 0) return null;
        var spec = range.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase) ? range[6..] : range;
        var dash = spec.IndexOf('-');
        if (dash <= 0 || !long.TryParse(spec.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            return Problems.BadRequest("Content-Range", "Content-Range must be 'bytes START-END/*' (or 'START-END').");
        startsAt = start;
        return null;
    }

    private static IResult Hole(HttpContext context, string name, long startsAt, long end)
    {
        context.Response.Headers[UploadOffset] = end.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Range"] = $"0-{end}";
        return TypedResults.Problem($"The upload starts at byte {startsAt}, but source '{name}' has {end} bytes: send from {end}.",
            statusCode: StatusCodes.Status416RangeNotSatisfiable, title: "Upload does not continue the source",
            extensions: new Dictionary<string, object?> { ["offset"] = end });
    }

    private static IResult Accepted(HttpContext context, PushResult result)
    {
        context.Response.Headers[UploadOffset] = result.Offset.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(new PushView(result.FirstSeq, result.LastSeq, result.Lines, result.Offset));
    }

    /// <summary>A streamed upload may be long and quiet: no size cap and no minimum data rate, for this request only.</summary>
    private static void Unbounded(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;
    }

    private static IResult? Find(string name, LiveSources sources, out IAcceptsPushedLines? push)
    {
        push = null;
        if (sources.Find(name) is not { } live)
            return Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources.");
        if (live.Source is not IAcceptsPushedLines accepting)
            return TypedResults.Problem($"Source '{live.Name}' is a {live.Kind} source; lines can only be pushed to push sources.",
                statusCode: StatusCodes.Status409Conflict, title: "Not a push source");
        push = accepting;
        return null;
    }
}
