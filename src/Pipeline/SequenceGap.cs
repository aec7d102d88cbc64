using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>Why a viewer will never see some records.</summary>
public enum GapReason
{
    /// <summary>The viewer fell too far behind and its oldest pending batches were dropped.</summary>
    SlowViewer,
    /// <summary>The records are older than anything TailHub remembers about the source.</summary>
    Expired,
    /// <summary>The file they were in was rotated away, compressed or deleted.</summary>
    FileGone,
    /// <summary>The file they were in was truncated since.</summary>
    Truncated,
    /// <summary>The viewer's position came from an earlier run of TailHub; sequence numbers restarted.</summary>
    ServerRestarted,
    /// <summary>An agent read them but could not publish them to Redis: it was unreachable for longer than the agent's buffer holds.</summary>
    Unpublished,
}

/// <summary>
/// Records <see cref="From"/> to <see cref="To"/> (inclusive) that a viewer will not get. Its <see cref="SourceRecord.Seq"/>
/// is <see cref="To"/>, so a viewer's position moves past the gap.
/// </summary>
public sealed class SequenceGap : SourceRecord
{
    public SequenceGap(long from, long to, GapReason reason, long timestampMs) : base(timestampMs)
    {
        From = from;
        To = to;
        Reason = reason;
        Seq = to;
    }

    /// <summary>The first sequence number of a record: a gap's is <see cref="From"/>, anything else's its <see cref="SourceRecord.Seq"/>.</summary>
    public static long FirstSeqOf(SourceRecord record) => record is SequenceGap gap ? gap.From : record.Seq;

    public long From { get; }
    public long To { get; }
    public GapReason Reason { get; }
}
