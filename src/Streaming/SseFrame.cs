using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.Streaming;

/// <summary>
/// One SSE event, encoded once and written as the same bytes to every viewer. The bytes begin with an <c>id:</c>
/// line for viewers of this source alone; viewers of several sources write their own id line instead of it.
/// </summary>
public sealed class SseFrame
{
    public SseFrame(SseBroadcaster? source, long firstSeq, long lastSeq, int lineCount, byte[] bytes, int idLineLength, LogLine[]? lines)
    {
        Source = source;
        FirstSeq = firstSeq;
        LastSeq = lastSeq;
        LineCount = lineCount;
        Bytes = bytes;
        IdLineLength = idLineLength;
        Lines = lines;
    }

    /// <summary>The source it belongs to; null for a heartbeat.</summary>
    public SseBroadcaster? Source { get; }
    public long FirstSeq { get; }
    public long LastSeq { get; }
    public int LineCount { get; }
    public byte[] Bytes { get; }
    public int IdLineLength { get; }

    /// <summary>The lines of a lines event, for viewers that filter with <c>grep</c>; null for other events.</summary>
    public LogLine[]? Lines { get; }

    /// <summary>When the first line of a lines event was read (monotonic timestamp); 0 when not known.</summary>
    public long ReadTimestamp { get; init; }

    /// <summary>Why, for a <c>gap</c> event; null for every other event.</summary>
    public Pipeline.GapReason? GapReason { get; init; }

    public ReadOnlySpan<byte> WithoutId => Bytes.AsSpan(IdLineLength);

    public static readonly SseFrame Heartbeat = new(null, 0, 0, 0, ": keep-alive\n\n"u8.ToArray(), 0, null);
}
