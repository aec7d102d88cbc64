using System.Threading.Channels;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>Receives each chunk of records once it has its sequence numbers and is in the backlog.</summary>
public interface ISequencedRecordSink
{
    void Publish(SourceRecord[] records);

    /// <summary>Completes when the sink can take more: a fast reader (a catch-up over a large file) waits here
    /// instead of piling records up in memory.</summary>
    ValueTask WaitForRoomAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The middle of one source's pipeline: a bounded channel from the tailer (a full channel makes the tailer wait, so
/// nothing is dropped between file and hub), sequence numbers, the backlog ring, and the journal that lets older
/// records be read back from the files.
/// </summary>
public sealed class SourceHub
{
    private readonly Channel<SourceRecord[]> _channel;
    private readonly TimeProvider _time;
    private long _lastSeq;

    /// <param name="locator">Where the journal finds rotated files again (the source's <c>RotatedFiles</c>).</param>
    public SourceHub(string name, int backlogLines, int journalEntries, int maxLineBytes, TimeProvider time, int channelChunks = 64, Redaction.LineRedactor? redactor = null, FileLocator? locator = null)
    {
        Name = name;
        _time = time;
        _channel = Channel.CreateBounded<SourceRecord[]>(new BoundedChannelOptions(channelChunks)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            // The tailer writes lines; a source with more to say (a Jenkins follower's build status) writes notices too.
            SingleWriter = false,
        });
        Backlog = new BacklogRing(backlogLines);
        Journal = new SourceJournal(journalEntries, maxLineBytes, redactor, locator);
    }

    public string Name { get; }
    public ChannelWriter<SourceRecord[]> Input => _channel.Writer;
    public BacklogRing Backlog { get; }
    public SourceJournal Journal { get; }

    /// <summary>The newest sequence number given out.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    public async Task RunAsync(ISequencedRecordSink sink, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var chunk in _channel.Reader.ReadAllAsync(cancellationToken))
            {
                var seq = _lastSeq;
                foreach (var record in chunk)
                {
                    record.Seq = seq + 1;
                    seq = record.LastSeq;
                    Journal.Add(record);
                    // A run's lines are not in memory: everything the ring held is now older than lines it lacks.
                    if (record is LineRun) Backlog.Clear();
                    else Backlog.Add(record);
                }
                Interlocked.Exchange(ref _lastSeq, seq);
                sink.Publish(chunk);
                await sink.WaitForRoomAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Records after <paramref name="afterSeq"/> up to <paramref name="toSeq"/>: from memory where the backlog still
    /// holds them, else read back from the files, with gaps only where they are gone.
    /// </summary>
    public List<SourceRecord> History(long afterSeq, long toSeq)
    {
        var fromMemory = new List<SourceRecord>();
        if (afterSeq >= toSeq) return fromMemory;
        var firstInMemory = Backlog.CopyRange(afterSeq + 1, toSeq, fromMemory);
        if (firstInMemory <= afterSeq + 1) return fromMemory;
        var replayed = Journal.Replay(afterSeq + 1, firstInMemory - 1, _time.GetUtcNow().ToUnixTimeMilliseconds());
        replayed.AddRange(fromMemory);
        return replayed;
    }

    /// <summary>
    /// The newest <paramref name="count"/> records up to <paramref name="toSeq"/> (at most the backlog's capacity),
    /// for a new viewer: from memory, or read back from the files after a bulk catch-up. Records older than anything
    /// kept are simply not there; a new viewer is not told of a gap before its first line.
    /// </summary>
    public List<SourceRecord> Recent(int count, long toSeq)
    {
        count = Math.Min(count, Backlog.Capacity);
        if (count <= 0) return [];
        var output = History(Math.Max(0, toSeq - count), toSeq);
        var expired = 0;
        while (expired < output.Count && output[expired] is SequenceGap { Reason: GapReason.Expired }) expired++;
        output.RemoveRange(0, expired);
        return output;
    }
}
