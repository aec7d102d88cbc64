using System.Collections.Concurrent;
using System.Threading.Channels;
using TailHub.Hosting;
using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>
/// Numbered chunks of records waiting to be evaluated, bounded in lines (<see cref="AlertsOptions.QueueLines"/>).
/// Adding never waits: a chunk that does not fit is not evaluated and its lines are counted as overflow, per source.
/// </summary>
public sealed class AlertQueue(AlertsOptions options)
{
    private readonly Channel<(LiveSource Source, SourceRecord[] Records, int Lines)> _chunks =
        Channel.CreateUnbounded<(LiveSource, SourceRecord[], int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, long> _overflow = new(StringComparer.OrdinalIgnoreCase);
    private long _queued;

    public int Capacity => options.QueueLines;

    /// <summary>Lines waiting now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Lines never evaluated because the queue was full, per source.</summary>
    public IReadOnlyDictionary<string, long> Overflow => _overflow;

    public long OverflowTotal => _overflow.Values.Sum();

    public ChannelReader<(LiveSource Source, SourceRecord[] Records, int Lines)> Reader => _chunks.Reader;

    /// <summary>Adds <paramref name="records"/> if they fit; false (and counted) when they do not.</summary>
    public bool TryAdd(LiveSource source, SourceRecord[] records)
    {
        var lines = 0;
        foreach (var record in records) if (record is LogLine or LineRun) lines += record.SeqCount;
        if (lines == 0) return true;
        if (Interlocked.Add(ref _queued, lines) > options.QueueLines)
        {
            Interlocked.Add(ref _queued, -lines);
            _overflow.AddOrUpdate(source.Name, lines, (_, n) => n + lines);
            return false;
        }
        _chunks.Writer.TryWrite((source, records, lines));
        return true;
    }

    /// <summary>A chunk taken from <see cref="Reader"/> was evaluated.</summary>
    public void Done(int lines) => Interlocked.Add(ref _queued, -lines);
}
