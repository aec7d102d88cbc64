namespace TailHub.Pipeline;

/// <summary>
/// A source's records older than its in-memory backlog. The hub tells it every record in order and asks it for
/// ranges it no longer holds; what a history keeps, and where it reads them back from, is its own business (the
/// files' journal for tailed files and TailHub's spools).
/// </summary>
public interface ISourceHistory
{
    /// <summary>Records a numbered record, in sequence order.</summary>
    void Add(SourceRecord record);

    /// <summary>Records <paramref name="fromSeq"/> to <paramref name="toSeq"/> as they were, with <see cref="SequenceGap"/>s where they are gone.</summary>
    List<SourceRecord> Replay(long fromSeq, long toSeq, long nowMs);

    /// <summary>
    /// The same records as <see cref="Replay"/>, given out as they are read, for ranges too long to hold (a download,
    /// a search). By default, <see cref="Replay"/> a stretch at a time.
    /// </summary>
    IEnumerable<SourceRecord> Read(long fromSeq, long toSeq, long nowMs)
    {
        const long Stretch = 4096;
        for (var from = fromSeq; from <= toSeq; from += Stretch)
        {
            foreach (var record in Replay(from, Math.Min(toSeq, from + Stretch - 1), nowMs)) yield return record;
        }
    }

    /// <summary>The first sequence number read at or after <paramref name="timeMs"/>; null when this history does not know times.</summary>
    long? SeqAt(long timeMs) => null;
}
