using TailHub.Pipeline;

namespace TailHub.Streaming;

/// <summary>
/// What a viewer gets before its live frames, per source: exactly what it missed when it resumes from a position in
/// the source's current sequence (from memory, else read back, with gaps only where records are gone); a
/// <c>server-restarted</c> gap and then a new viewer's backlog when its position names another sequence (the
/// source's state was lost or reset); else the requested backlog.
/// </summary>
public static class ResumePolicy
{
    /// <param name="published">The last sequence number published when the viewer subscribed: history ends there.</param>
    /// <param name="position">Where the viewer stands before the records returned.</param>
    public static List<SourceRecord> HistoryFor(SourceHub hub, CursorPosition? resumeFrom, int backlog, long published, long nowMs, out long position)
    {
        if (resumeFrom is { } cursor)
        {
            if (cursor.Epoch == hub.Epoch)
            {
                position = Math.Min(cursor.Seq, published);
                return hub.History(position, published);
            }
            var records = new List<SourceRecord> { new SequenceGap(1, 0, GapReason.ServerRestarted, nowMs) };
            var recent = hub.Recent(backlog, published);
            position = recent.Count > 0 ? recent[0].Seq - 1 : published;
            records.AddRange(recent);
            return records;
        }
        var backlogRecords = hub.Recent(backlog, published);
        position = backlogRecords.Count > 0 ? backlogRecords[0].Seq - 1 : published;
        return backlogRecords;
    }
}
