namespace TailHub.Sources;

/// <summary>What a source has read, counted where it reads; metrics and <c>/api/sources</c> observe these.</summary>
public sealed class SourceCounters(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastLineTimestamp = (time ?? TimeProvider.System).GetTimestamp();
    private long _lines;
    private long _bytes;
    private long _rotations;
    private long _truncations;

    public long Lines => Interlocked.Read(ref _lines);
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Times a followed path came to name another file (file sources).</summary>
    public long Rotations => Interlocked.Read(ref _rotations);

    /// <summary>Times a followed file shrank below what was read (file sources).</summary>
    public long Truncations => Interlocked.Read(ref _truncations);

    /// <summary>When a line was last read (<see cref="TimeProvider.GetTimestamp"/>; until then, when the source was made).</summary>
    public long LastLineTimestamp => Interlocked.Read(ref _lastLineTimestamp);

    public void AddLines(long count)
    {
        Interlocked.Add(ref _lines, count);
        if (count > 0) Interlocked.Exchange(ref _lastLineTimestamp, _time.GetTimestamp());
    }
    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);
    public void AddRotation() => Interlocked.Increment(ref _rotations);
    public void AddTruncation() => Interlocked.Increment(ref _truncations);
}
