using HdrHistogram;

namespace TailHub.LoadTests;

/// <summary>
/// Write → receipt latency in microseconds. Viewers record from whichever pool thread runs them, so each thread
/// gets its own histogram (no locks, no interlocked on the hot path); they are added up once the viewers stop.
/// </summary>
public sealed class LatencyRecorder
{
    // One hour in µs: anything later is clamped there rather than lost.
    private const long Highest = 3_600_000_000;
    private readonly ThreadLocal<LongHistogram> _perThread = new(() => new LongHistogram(Highest, 3), trackAllValues: true);

    public void Record(long micros)
    {
        _perThread.Value!.RecordValue(Math.Clamp(micros, 0, Highest));
    }

    /// <summary>An empty histogram of the same range, to add several recorders' snapshots into.</summary>
    public static LongHistogram Empty() => new(Highest, 3);

    /// <summary>All threads' histograms added together. Call after recording has stopped.</summary>
    public LongHistogram Snapshot()
    {
        var total = new LongHistogram(Highest, 3);
        foreach (var h in _perThread.Values) total.Add(h);
        return total;
    }
}

/// <summary>The percentiles a report shows, in milliseconds.</summary>
public sealed record LatencySummary(long Samples, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary From(LongHistogram h)
    {
        if (h.TotalCount == 0) return Empty;
        static double Ms(long us) => us / 1000.0;
        return new LatencySummary(h.TotalCount, Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(90)),
            Ms(h.GetValueAtPercentile(99)), Ms(h.GetValueAtPercentile(99.9)), Ms(h.GetMaxValue()));
    }
}
