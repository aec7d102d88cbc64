using StackExchange.Redis;
using TailHub.Pipeline;

namespace TailHub.ScaleOut.Hub;

/// <summary>
/// A mirror's records older than its hub's memory: read from the source's Redis stream (<c>XRANGE</c>), and what
/// Redis no longer holds (trimmed) from the agent's history route, which reads its files and spools back; a gap only
/// where neither has them. The hub's backlog ring is the mirror's own memory, so nothing is kept here.
/// </summary>
public sealed class MirrorHistory(string source, Func<SourceRegistration> registration, RedisConnection redis, AgentHistoryClient agents, ILogger logger) : ISourceHistory
{
    private const int EntriesPerRead = 100;

    public void Add(SourceRecord record)
    {
    }

    public List<SourceRecord> Replay(long fromSeq, long toSeq, long nowMs)
    {
        var found = new List<SourceRecord>();
        if (fromSeq > toSeq) return found;
        var r = registration();
        var next = fromSeq;
        try
        {
            if (redis.DatabaseIfStarted() is { } db)
            {
                var key = RedisKeys.Stream(source, r.Epoch);
                while (next <= toSeq)
                {
                    var entries = db.StreamRange(key, $"{next}", "+", EntriesPerRead);
                    if (entries.Length == 0) break;
                    foreach (var entry in entries)
                    {
                        var records = Decode(entry);
                        // What Redis no longer holds before the first entry it has (trimmed) comes from the agent.
                        if (records.Count > 0 && found.Count == 0 && SequenceGap.FirstSeqOf(records[0]) > next)
                            found.AddRange(FromAgent(r, next, Math.Min(toSeq, SequenceGap.FirstSeqOf(records[0]) - 1), nowMs));
                        found.AddRange(records);
                        next = Math.Max(next, RedisKeys.SeqOf(entry.Id) + 1);
                    }
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Source {Source}: cannot read its history from Redis ({Error}); asking its agent", source, e.GetType().Name);
        }
        var replayed = Continuous(found, fromSeq, Math.Min(toSeq, next - 1), nowMs);
        if (next <= toSeq) replayed.AddRange(FromAgent(r, next, toSeq, nowMs));
        return replayed;
    }

    private List<SourceRecord> FromAgent(SourceRegistration r, long from, long to, long nowMs) =>
        Continuous(agents.Fetch(r.AgentUrl, source, r.Epoch, from - 1, to) ?? [], from, to, nowMs);

    private List<SourceRecord> Decode(StreamEntry entry)
    {
        try
        {
            return StreamEntryCodec.Decode((byte[])entry["d"]!);
        }
        catch (FormatException e)
        {
            logger.LogWarning("Source {Source}: stream entry {Id} is not readable ({Error})", source, entry.Id, e.Message);
            return [];
        }
    }

    /// <summary>
    /// Exactly records <paramref name="from"/> to <paramref name="to"/>, in order: what is before or after cut off,
    /// overlaps dropped, and every hole a gap (expired: neither Redis nor the agent has it).
    /// </summary>
    public static List<SourceRecord> Continuous(IEnumerable<SourceRecord> records, long from, long to, long nowMs)
    {
        var output = new List<SourceRecord>();
        var next = from;
        foreach (var record in records)
        {
            if (next > to) break;
            if (record.LastSeq < next) continue;
            var first = SequenceGap.FirstSeqOf(record);
            if (first > to) break;
            if (first > next) output.Add(new SequenceGap(next, first - 1, GapReason.Expired, nowMs));
            var current = record is SequenceGap gap && (gap.From < Math.Max(next, first) || gap.To > to)
                ? new SequenceGap(Math.Max(next, gap.From), Math.Min(to, gap.To), gap.Reason, gap.TimestampMs)
                : record;
            if (current is not SequenceGap && current.LastSeq > to) break;
            output.Add(current);
            next = current.LastSeq + 1;
        }
        if (next <= to) output.Add(new SequenceGap(next, to, GapReason.Expired, nowMs));
        return output;
    }
}
