using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>
/// The last N records of a source, in sequence order. One writer (the source's pipeline loop) adds; any number of
/// viewers copy ranges out. Copies hold references only: records are immutable once sequenced.
/// </summary>
public sealed class BacklogRing(int capacity)
{
    private readonly SourceRecord[] _items = new SourceRecord[Math.Max(1, capacity)];
    private readonly int _capacity = capacity;
    private readonly Lock _lock = new();
    private long _count;   // records added since the last clear

    public int Capacity => _capacity;

    public void Add(SourceRecord record)
    {
        if (_capacity == 0) return;
        lock (_lock)
        {
            _items[(int)(_count % _capacity)] = record;
            _count++;
        }
    }

    /// <summary>Forgets every record: the next one added starts a new consecutive run.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_items);
            _count = 0;
        }
    }

    /// <summary>
    /// Copies records with <paramref name="fromSeq"/> ≤ seq ≤ <paramref name="toSeq"/> that are still held, and
    /// returns the sequence number of the first one copied (or <paramref name="toSeq"/> + 1 when none is).
    /// </summary>
    public long CopyRange(long fromSeq, long toSeq, List<SourceRecord> output)
    {
        lock (_lock)
        {
            if (_count == 0 || _capacity == 0) return toSeq + 1;
            var oldest = OldestLocked();
            var newest = _items[(int)((_count - 1) % _capacity)].Seq;
            var first = Math.Max(fromSeq, oldest);
            var last = Math.Min(toSeq, newest);
            if (first > last) return first > toSeq ? toSeq + 1 : first;
            // Sequence numbers in the ring are consecutive, so positions follow from them.
            var firstIndex = _count - (newest - first) - 1;
            for (var i = firstIndex; i < firstIndex + (last - first + 1); i++) output.Add(_items[(int)(i % _capacity)]);
            return first;
        }
    }

    /// <summary>The sequence number of the first record held that was read at or after <paramref name="timeMs"/>.</summary>
    public long? FirstAtOrAfter(long timeMs)
    {
        lock (_lock)
        {
            var held = Math.Min(_count, _capacity);
            for (var i = _count - held; i < _count; i++)
            {
                var record = _items[(int)(i % _capacity)];
                if (record.TimestampMs >= timeMs) return SequenceGap.FirstSeqOf(record);
            }
            return null;
        }
    }

    private long OldestLocked()
    {
        if (_count == 0) return 1;
        var held = Math.Min(_count, _capacity);
        return _items[(int)((_count - held) % _capacity)].Seq;
    }
}
