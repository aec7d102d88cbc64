using System.Buffers.Text;
using System.Text;

namespace TailHub.LoadTests;

/// <summary>
/// A byte-level reader of TailHub's event stream that never makes a string. Short lines (<c>id:</c>, <c>event:</c>,
/// a gap's <c>data:</c>, comments) are handled whole; a lines event's <c>data:</c> line can be hundreds of KB, so it is
/// scanned as it streams by for <c>"text":"seq=N t=T</c> and never held. The caller keeps the bytes this returns as
/// unconsumed and puts them in front of the next read.
/// </summary>
/// <remarks>
/// The event id is committed when its event is dispatched (at the blank line), as EventSource does, so a resume
/// with that id asks for exactly what this viewer has not processed.
/// </remarks>
public sealed class SseScanner(ViewerTally tally, LatencyRecorder? latency, string sourceName)
{
    private static ReadOnlySpan<byte> TextToken => "\"text\":\"seq="u8;
    private static ReadOnlySpan<byte> GapCount => "\"count\":"u8;

    // A token starting this far from the end of what is buffered has its two numbers complete after it.
    public const int TokenTail = 64;
    private const int MaxIdBytes = 256;

    private readonly byte[] _eventName = Encoding.ASCII.GetBytes(sourceName);
    private readonly byte[] _pendingId = new byte[MaxIdBytes];
    private readonly byte[] _lastId = new byte[MaxIdBytes];
    private int _pendingIdLength;
    private int _lastIdLength;
    private EventKind _event;
    private bool _inLinesData;

    private enum EventKind { None, Lines, Gap, Other }

    /// <summary>The id of the last dispatched event, or null before the first.</summary>
    public string? LastEventId => _lastIdLength == 0 ? null : Encoding.ASCII.GetString(_lastId, 0, _lastIdLength);

    /// <summary>Events dispatched so far (blank lines after fields).</summary>
    public long Dispatched { get; private set; }

    /// <summary>Forgets a half-read event, as a reconnecting client must; keeps the last event id.</summary>
    public void ResetConnection()
    {
        _event = EventKind.None;
        _inLinesData = false;
        _pendingIdLength = _lastIdLength;
        _lastId.AsSpan(0, _lastIdLength).CopyTo(_pendingId);
    }

    /// <summary>
    /// Consumes what it can of <paramref name="data"/> and returns how many bytes. With <paramref name="stopAtDispatch"/>
    /// it stops right after the next dispatched event and sets <paramref name="stopped"/>.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, long nowMicros, bool stopAtDispatch, out bool stopped)
    {
        stopped = false;
        var pos = 0;
        while (pos < data.Length)
        {
            var rest = data[pos..];
            if (_inLinesData)
            {
                var newline = rest.IndexOf((byte)'\n');
                var line = newline >= 0 ? rest[..newline] : rest;
                // Without the line's end in view, leave the last TokenTail bytes for next time: a token there may be cut.
                var limit = newline >= 0 ? line.Length : Math.Max(0, line.Length - TokenTail);
                ScanLines(line, limit, nowMicros);
                if (newline < 0) return pos + limit;
                _inLinesData = false;
                pos += newline + 1;
                continue;
            }

            if (_event == EventKind.Lines && rest.Length >= 6 && rest.StartsWith("data: "u8))
            {
                _inLinesData = true;
                tally.LinesEvent();
                pos += 6;
                continue;
            }
            var end = rest.IndexOf((byte)'\n');
            if (end < 0) return pos; // a short line not complete yet
            var field = rest[..end];
            pos += end + 1;
            if (field.IsEmpty)
            {
                if (Dispatch() && stopAtDispatch)
                {
                    stopped = true;
                    return pos;
                }
                continue;
            }
            ShortLine(field);
        }
        return pos;
    }

    private void ShortLine(ReadOnlySpan<byte> field)
    {
        if (field.StartsWith("id: "u8))
        {
            var id = field[4..];
            _pendingIdLength = Math.Min(id.Length, MaxIdBytes);
            id[.._pendingIdLength].CopyTo(_pendingId);
        }
        else if (field.StartsWith("event: "u8))
        {
            var name = field[7..];
            _event = name.SequenceEqual(_eventName) ? EventKind.Lines : name.SequenceEqual("gap"u8) ? EventKind.Gap : EventKind.Other;
        }
        else if (_event == EventKind.Gap && field.StartsWith("data: "u8))
        {
            var at = field.IndexOf(GapCount);
            if (at >= 0 && Utf8Parser.TryParse(field[(at + GapCount.Length)..], out long count, out _)) tally.Gap(count);
        }
        // Comments (": keep-alive"), retry:, and data of notices carry nothing this tool counts.
    }

    private bool Dispatch()
    {
        var any = _event != EventKind.None || _pendingIdLength != _lastIdLength || !_pendingId.AsSpan(0, _pendingIdLength).SequenceEqual(_lastId.AsSpan(0, _lastIdLength));
        _pendingId.AsSpan(0, _pendingIdLength).CopyTo(_lastId);
        _lastIdLength = _pendingIdLength;
        _event = EventKind.None;
        if (any) Dispatched++;
        return any;
    }

    /// <summary>Every token that starts before <paramref name="limit"/>: one line, its seq and its write time.</summary>
    private void ScanLines(ReadOnlySpan<byte> line, int limit, long nowMicros)
    {
        var at = 0;
        while (at < limit)
        {
            var found = line[at..].IndexOf(TextToken);
            if (found < 0 || at + found >= limit) return;
            at += found + TextToken.Length;
            if (!Utf8Parser.TryParse(line[at..], out long seq, out var used))
            {
                tally.Line(0);
                continue;
            }
            at += used;
            tally.Line(seq);
            if (latency is not null && line[at..].StartsWith(" t="u8) && Utf8Parser.TryParse(line[(at + 3)..], out long written, out used))
            {
                latency.Record(nowMicros - written);
                at += 3 + used;
            }
        }
    }
}
