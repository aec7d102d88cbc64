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
/// <remarks>
/// Stretches of lines that need no framing or masking come from the journal as one block of text
/// (<see cref="VerbatimLineBlock"/>): the block is searched as a whole with <paramref name="blockPattern"/> (the
/// pattern with <c>^</c>/<c>$</c> at every line), and each line it matches in is confirmed with the pattern itself, so
/// a hit is a line the pattern matches on its own. Without a block pattern (one that anchors at the text's ends with
/// <c>\A</c>, <c>\z</c>, <c>\Z</c>), every line of a block is matched on its own.
/// </remarks>
public sealed class HistorySearch(LiveSource live, Regex pattern, Regex? blockPattern, int limit, int context, HistoryOptions options, TimeProvider time)
{
    private readonly Queue<LogLine> _before = new();
    private readonly Queue<(LogLine Hit, LogLine[] Before, List<LogLine> After)> _waiting = new();
    private char[] _chars = new char[4096];
    private Utf8JsonWriter? _json;
    private System.IO.Pipelines.PipeWriter? _output;
    private long _current;
    private long _lastHit;
    private readonly List<int> _byteStarts = [];
    private readonly List<int> _charStarts = [];

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
        var checkedLines = 0;
        try
        {
            foreach (var record in live.Hub.Read(range.From, range.To, blocks: true))
            {
                if (record is VerbatimLineBlock block)
                {
                    _current = block.Seq;
                    if (SearchBlock(block)) end = SearchEnd.Limit;
                    if (await WriteReadyAsync(output, cancellationToken)) reported = time.GetTimestamp();
                    if (Hits >= limit && !_waiting.Any(w => w.After.Count < context)) break;
                }
                else if (record is LogLine line)
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
                        _lastHit = line.Seq;
                        _waiting.Enqueue((line, [.. _before], []));
                        if (Hits >= limit) end = SearchEnd.Limit;
                    }
                    _before.Enqueue(line);
                    if (_before.Count > context) _before.Dequeue();
                    if (await WriteReadyAsync(output, cancellationToken)) reported = time.GetTimestamp();
                }
                if (Hits < limit) ScannedTo = record.LastSeq;
                checkedLines += record is VerbatimLineBlock ? 1024 : 1;
                if (checkedLines < 1024) continue;
                checkedLines = 0;
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
            if (end == SearchEnd.Limit) ScannedTo = _lastHit;
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

    /// <summary>Searches a block of lines; true when the hit limit was reached in it.</summary>
    private bool SearchBlock(VerbatimLineBlock block)
    {
        var text = block.Text;
        if (_chars.Length < text.Length) _chars = new char[Math.Max(text.Length, _chars.Length * 2)];
        var length = Encoding.UTF8.GetChars(text, _chars);
        var chars = _chars.AsSpan(0, length);
        // Where each line starts, in bytes and in characters (the n-th newline is the n-th in both).
        _byteStarts.Clear();
        _charStarts.Clear();
        for (var at = 0; at < text.Length; at = text.AsSpan(at).IndexOf((byte)'\n') + at + 1) _byteStarts.Add(at);
        for (var at = 0; at < length; at = chars[at..].IndexOf('\n') + at + 1) _charStarts.Add(at);
        _byteStarts.Add(text.Length);
        _charStarts.Add(length);
        var count = _byteStarts.Count - 1;

        // Hits still waiting for following lines take the block's first ones.
        for (var i = 0; i < Math.Min(context, count) && AddAfter(LineOf(block, i)); i++) { }

        var reachedLimit = false;
        var line = 0;
        while (line < count && Hits < limit)
        {
            int candidate;
            if (blockPattern is null) candidate = line;
            else
            {
                candidate = -1;
                foreach (var match in blockPattern.EnumerateMatches(chars[_charStarts[line]..]))
                {
                    candidate = LineAt(_charStarts[line] + match.Index, line);
                    break;
                }
                if (candidate < 0) break;
            }
            _current = block.Seq + candidate;
            if (candidate < count && pattern.IsMatch(chars[_charStarts[candidate]..(_charStarts[candidate + 1] - 1)]))
            {
                var hit = LineOf(block, candidate);
                var before = new List<LogLine>(context);
                var fromQueue = Math.Max(0, context - candidate);
                before.AddRange(_before.Skip(Math.Max(0, _before.Count - fromQueue)));
                for (var i = Math.Max(0, candidate - context); i < candidate; i++) before.Add(LineOf(block, i));
                Hits++;
                _lastHit = hit.Seq;
                _waiting.Enqueue((hit, [.. before], []));
                for (var i = candidate + 1; i <= Math.Min(count - 1, candidate + context); i++) AddAfter(LineOf(block, i));
                if (Hits >= limit) reachedLimit = true;
            }
            line = candidate + 1;
        }

        // The lines before whatever comes next: the block's last ones.
        for (var i = Math.Max(0, count - context); i < count; i++)
        {
            _before.Enqueue(LineOf(block, i));
            if (_before.Count > context) _before.Dequeue();
        }
        return reachedLimit;
    }

    /// <summary>The line of the block holding character <paramref name="index"/>, from line <paramref name="from"/> on.</summary>
    private int LineAt(int index, int from)
    {
        var found = _charStarts.BinarySearch(from, _charStarts.Count - from, index, null);
        return found >= 0 ? found : ~found - 1;
    }

    /// <summary>Line <paramref name="index"/> of the block as a line object (for a hit and its context only).</summary>
    private LogLine LineOf(VerbatimLineBlock block, int index) =>
        new(block.Text.AsSpan(_byteStarts[index], _byteStarts[index + 1] - _byteStarts[index] - 1).ToArray(), null, 0, 0, block.TimestampMs) { Seq = block.Seq + index };

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
        foreach (var (hit, _, after) in _waiting)
        {
            if (after.Count >= context || line.Seq <= (after.Count > 0 ? after[^1].Seq : hit.Seq)) continue;
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
