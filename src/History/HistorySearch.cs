using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using TailHub.Hosting;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.History;

/// <summary>Why a search stopped, as its last record says.</summary>
public enum SearchEnd
{
    /// <summary>The whole stretch was scanned.</summary>
    Done,
    /// <summary>The request's hit limit was reached; continue from <c>next</c>.</summary>
    Limit,
    /// <summary>The request's time was used up (<see cref="HistoryOptions.SearchMaxDuration"/>); continue from <c>next</c>.</summary>
    Time,
    /// <summary>A line took longer than <see cref="HistoryOptions.SearchMatchTimeout"/> to match: the pattern is too costly.</summary>
    MatchTimeout,
    /// <summary>The client went away.</summary>
    Cancelled,
}

/// <summary>
/// <c>GET /api/sources/{name}/search</c>: scans a stretch of history in order with a linear-time pattern and writes
/// NDJSON as it goes: <c>{"type":"hit","seq","ts","text",…,"before":[lines],"after":[lines]}</c> for each hit (the
/// stream's line object with its context), <c>{"type":"progress","scannedTo"}</c> now and then, and last
/// <c>{"type":"end","reason","scannedTo","hits","next"}</c>, where <c>next.after</c> continues the search (null when
/// it is complete). Lines are the read-back lines, masked as the live path masks them.
/// </summary>
public sealed class HistorySearch(LiveSource live, Regex pattern, int limit, int context, HistoryOptions options, TimeProvider time)
{
    private readonly Queue<LogLine> _before = new();
    private readonly Queue<(LogLine Hit, LogLine[] Before, List<LogLine> After)> _waiting = new();
    private char[] _chars = new char[4096];
    private Utf8JsonWriter? _json;
    private System.IO.Pipelines.PipeWriter? _output;
    private long _current;

    public int Hits { get; private set; }

    /// <summary>The last sequence number looked at.</summary>
    public long ScannedTo { get; private set; }

    public async Task<SearchEnd> RunAsync(HttpContext http, HistoryRange range)
    {
        var response = http.Response;
        response.ContentType = "application/x-ndjson; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var output = response.BodyWriter;
        _output = output;
        _json = new Utf8JsonWriter(output, SseFormat.JsonWriterOptions);
        var cancellationToken = http.RequestAborted;
        ScannedTo = range.From - 1;
        var started = time.GetTimestamp();
        var reported = started;
        var end = SearchEnd.Done;
        string? error = null;
        var lastHit = 0L;
        var checkedLines = 0;
        try
        {
            foreach (var record in live.Hub.Read(range.From, range.To))
            {
                if (record is LogLine line)
                {
                    _current = line.Seq;
                    // Once the limit is reached, only the last hits' following context is still read.
                    if (Hits >= limit)
                    {
                        if (!AddAfter(line)) break;
                        await WriteReadyAsync(output, cancellationToken);
                        continue;
                    }
                    AddAfter(line);
                    if (Matches(line))
                    {
                        Hits++;
                        lastHit = line.Seq;
                        _waiting.Enqueue((line, [.. _before], []));
                        if (Hits >= limit) end = SearchEnd.Limit;
                    }
                    _before.Enqueue(line);
                    if (_before.Count > context) _before.Dequeue();
                    if (await WriteReadyAsync(output, cancellationToken)) reported = time.GetTimestamp();
                }
                if (Hits < limit) ScannedTo = record.LastSeq;
                if (++checkedLines % 1024 != 0) continue;
                cancellationToken.ThrowIfCancellationRequested();
                if (time.GetElapsedTime(started) >= options.SearchMaxDuration)
                {
                    end = SearchEnd.Time;
                    break;
                }
                if (time.GetElapsedTime(reported) >= options.SearchProgressInterval)
                {
                    WriteProgress();
                    await output.FlushAsync(cancellationToken);
                    reported = time.GetTimestamp();
                }
            }
            if (end == SearchEnd.Limit) ScannedTo = lastHit;
        }
        catch (RegexMatchTimeoutException)
        {
            end = SearchEnd.MatchTimeout;
            error = $"The pattern took longer than {options.SearchMatchTimeout.TotalMilliseconds:0} ms on line {_current}; make it simpler or more specific.";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SearchEnd.Cancelled;
        }
        try
        {
            // Hits still waiting for their following lines go out with what there is.
            while (_waiting.TryDequeue(out var hit)) WriteHit(hit);
            WriteEnd(end, error, range);
            await output.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SearchEnd.Cancelled;
        }
        return end;
    }

    private bool Matches(LogLine line)
    {
        var bytes = line.Utf8;
        if (_chars.Length < bytes.Length) _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        var length = Encoding.UTF8.GetChars(bytes, _chars);
        return pattern.IsMatch(_chars.AsSpan(0, length));
    }

    /// <summary>Gives <paramref name="line"/> to the hits still short of following lines; false when none was.</summary>
    private bool AddAfter(LogLine line)
    {
        var any = false;
        foreach (var (_, _, after) in _waiting)
        {
            if (after.Count >= context) continue;
            after.Add(line);
            any = true;
        }
        return any;
    }

    /// <summary>Writes the hits whose context is complete, in order; true when one was written.</summary>
    private async ValueTask<bool> WriteReadyAsync(System.IO.Pipelines.PipeWriter output, CancellationToken cancellationToken)
    {
        var wrote = false;
        while (_waiting.TryPeek(out var hit) && hit.After.Count >= context)
        {
            WriteHit(_waiting.Dequeue());
            wrote = true;
        }
        if (wrote) await output.FlushAsync(cancellationToken);
        return wrote;
    }

    private void WriteHit((LogLine Hit, LogLine[] Before, List<LogLine> After) hit)
    {
        var json = _json!;
        json.Reset();
        json.WriteStartObject();
        json.WriteString("type"u8, "hit"u8);
        json.WriteNumber("seq"u8, hit.Hit.Seq);
        json.WriteNumber("ts"u8, hit.Hit.TimestampMs);
        json.WriteString("text"u8, hit.Hit.Utf8);
        if (hit.Hit.Stream == LineStream.Stderr) json.WriteString("stream"u8, "stderr"u8);
        json.WriteStartArray("before"u8);
        foreach (var line in hit.Before) SseFormat.WriteLine(json, line);
        json.WriteEndArray();
        json.WriteStartArray("after"u8);
        foreach (var line in hit.After) SseFormat.WriteLine(json, line);
        json.WriteEndArray();
        json.WriteEndObject();
        EndRecord();
    }

    private void WriteProgress()
    {
        var json = _json!;
        json.Reset();
        json.WriteStartObject();
        json.WriteString("type"u8, "progress"u8);
        json.WriteNumber("scannedTo"u8, ScannedTo);
        json.WriteNumber("hits"u8, Hits);
        json.WriteEndObject();
        EndRecord();
    }

    private void WriteEnd(SearchEnd end, string? error, HistoryRange range)
    {
        var json = _json!;
        json.Reset();
        json.WriteStartObject();
        json.WriteString("type"u8, "end"u8);
        json.WriteString("reason"u8, JsonNamingPolicy.KebabCaseLower.ConvertName(end.ToString()));
        if (error is not null) json.WriteString("error"u8, error);
        json.WriteNumber("scannedTo"u8, ScannedTo);
        json.WriteNumber("hits"u8, Hits);
        if (end == SearchEnd.Done || ScannedTo >= range.To) json.WriteNull("next"u8);
        else
        {
            json.WriteStartObject("next"u8);
            json.WriteNumber("after"u8, ScannedTo);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        EndRecord();
    }

    /// <summary>Ends an NDJSON record: the JSON, then a newline.</summary>
    private void EndRecord()
    {
        _json!.Flush();
        _output!.GetSpan(1)[0] = (byte)'\n';
        _output.Advance(1);
    }
}
