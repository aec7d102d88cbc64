using TailHub.Pipeline;

namespace TailHub.Streaming;

/// <summary>
/// The history of a stream of several sources, in the order its records were read: each source's records stay in
/// their own order, and the sources interleave by read time, exactly as their live lines do. A viewer opening (or
/// reloading, or resuming) a view of several sources then sees one timeline, not one source after the other.
/// </summary>
/// <remarks>
/// A gap carries the time it was noticed, not when the records it stands for were read, so it takes the time of the
/// record after it (or before it, at the end): a <c>server-restarted</c> gap stays right before its source's backlog.
/// On equal times the source being written continues, then the source listed first, so runs stay long (fewer events).
/// </remarks>
public static class HistoryMerge
{
    /// <summary>Consecutive runs of one source's records (source index, records), in read-time order.</summary>
    public static IEnumerable<(int Source, List<SourceRecord> Records)> InReadOrder(IReadOnlyList<List<SourceRecord>> history)
    {
        var nonEmpty = 0;
        for (var i = 0; i < history.Count; i++) if (history[i].Count > 0) nonEmpty++;
        if (nonEmpty <= 1)
        {
            for (var i = 0; i < history.Count; i++) if (history[i].Count > 0) yield return (i, history[i]);
            yield break;
        }

        var times = new long[history.Count][];
        for (var i = 0; i < history.Count; i++) times[i] = ReadTimes(history[i]);
        var heads = new int[history.Count];
        var current = -1;
        while (true)
        {
            var next = -1;
            for (var i = 0; i < history.Count; i++)
            {
                if (heads[i] >= history[i].Count) continue;
                if (next < 0 || Before(i, next)) next = i;
            }
            if (next < 0) yield break;
            current = next;
            var start = heads[next];
            do heads[next]++;
            while (heads[next] < history[next].Count && !OtherComesFirst(next));
            yield return (next, history[next].GetRange(start, heads[next] - start));
        }

        bool Before(int a, int b)
        {
            long ta = times[a][heads[a]], tb = times[b][heads[b]];
            if (ta != tb) return ta < tb;
            if (a == current || b == current) return a == current;
            return a < b;
        }

        bool OtherComesFirst(int source)
        {
            var t = times[source][heads[source]];
            for (var i = 0; i < history.Count; i++)
                if (i != source && heads[i] < history[i].Count && times[i][heads[i]] < t) return true;
            return false;
        }
    }

    /// <summary>Each record's read time; a gap takes the next record's (the previous one's at the end).</summary>
    private static long[] ReadTimes(List<SourceRecord> records)
    {
        var times = new long[records.Count];
        var following = long.MinValue;
        var known = false;
        for (var j = records.Count - 1; j >= 0; j--)
        {
            if (records[j] is SequenceGap)
            {
                times[j] = known ? following : long.MinValue;
                continue;
            }
            times[j] = following = records[j].TimestampMs;
            known = true;
        }
        // Gaps after the last record that has a time of its own.
        var previous = long.MinValue;
        for (var j = 0; j < records.Count; j++)
        {
            if (records[j] is not SequenceGap) previous = times[j];
            else if (times[j] == long.MinValue) times[j] = previous;
        }
        return times;
    }
}
