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
}
