namespace TailHub.Sources;

/// <summary>What a source has read, counted where it reads; metrics and <c>/api/sources</c> observe these.</summary>
public sealed class SourceCounters
{
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

    public void AddLines(long count) => Interlocked.Add(ref _lines, count);
    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);
    public void AddRotation() => Interlocked.Increment(ref _rotations);
    public void AddTruncation() => Interlocked.Increment(ref _truncations);
}
