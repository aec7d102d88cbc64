using System.Threading.Channels;

namespace TailHub.Pipeline;

/// <summary>Receives each chunk of records once it is in the backlog and the history.</summary>
public interface ISequencedRecordSink
{
    void Publish(SourceRecord[] records);

    /// <summary>Completes when the sink can take more: a fast reader (a catch-up over a large file) waits here
    /// instead of piling records up in memory.</summary>
    ValueTask WaitForRoomAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The middle of one source's pipeline: a bounded channel from the source's <see cref="SourceWriter"/> (a full
/// channel makes the source wait, so nothing is dropped between source and hub), the backlog ring, and the history
/// that holds what the ring no longer does. Records arrive numbered; the hub remembers them, saves a checkpoint of
/// where the source got to now and then, and hands them on.
/// </summary>
public sealed class SourceHub
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<SourceRecord[]> _channel;
    private readonly TimeProvider _time;
    private readonly ISourceHistory _history;
    private readonly Action<bool>? _checkpoint;
    private long _lastSeq;

    /// <param name="epoch">Names the source's sequence (see <see cref="State.SourceStateStore"/>).</param>
    /// <param name="lastSeq">The last sequence number of a restored state: the first record to come follows it.</param>
    /// <param name="checkpoint">Saves where the source got to (<c>true</c>: even if nothing moved); called about every second and when the hub stops.</param>
    public SourceHub(string name, string epoch, int backlogLines, ISourceHistory history, TimeProvider time, long lastSeq = 0, int channelChunks = 64, Action<bool>? checkpoint = null)
    {
        Name = name;
        Epoch = epoch;
        _time = time;
        _history = history;
        _checkpoint = checkpoint;
        _lastSeq = lastSeq;
        _channel = Channel.CreateBounded<SourceRecord[]>(new BoundedChannelOptions(channelChunks)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            // A source's writer is used by one caller at a time; the checkpoint tick writes an empty chunk too.
            SingleWriter = false,
        });
        Backlog = new BacklogRing(backlogLines);
    }

    public string Name { get; }
    public string Epoch { get; }
    public ChannelWriter<SourceRecord[]> Input => _channel.Writer;
    public BacklogRing Backlog { get; }

    /// <summary>Where the records older than the backlog are kept (the files' journal, for most sources).</summary>
    public ISourceHistory Journal => _history;

    /// <summary>The newest sequence number remembered.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    public async Task RunAsync(ISequencedRecordSink sink, CancellationToken cancellationToken)
    {
        // An empty chunk is the tick that saves a checkpoint after a burst, when no further records come to do it.
        using var tick = _checkpoint is null ? null : _time.CreateTimer(_ => _channel.Writer.TryWrite([]), null, CheckpointInterval, CheckpointInterval);
        var lastCheckpoint = _time.GetTimestamp();
        try
        {
            await foreach (var chunk in _channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (chunk.Length > 0)
                {
                    foreach (var record in chunk)
                    {
                        _history.Add(record);
                        // A run's lines are not in memory, and a gap (a mirror's hole) takes several numbers in one
                        // record: either way the ring's numbers would stop being consecutive, so it starts over after it.
                        if (record is LineRun or SequenceGap) Backlog.Clear();
                        else Backlog.Add(record);
                    }
                    Interlocked.Exchange(ref _lastSeq, chunk[^1].LastSeq);
                    sink.Publish(chunk);
                    await sink.WaitForRoomAsync(cancellationToken);
                }
                if (_checkpoint is not null && _time.GetElapsedTime(lastCheckpoint) >= CheckpointInterval)
                {
                    _checkpoint(false);
                    lastCheckpoint = _time.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _checkpoint?.Invoke(true);
        }
    }

    /// <summary>
    /// Records after <paramref name="afterSeq"/> up to <paramref name="toSeq"/>: from memory where the backlog still
    /// holds them, else from the history, with gaps only where they are gone.
    /// </summary>
    public List<SourceRecord> History(long afterSeq, long toSeq)
    {
        var fromMemory = new List<SourceRecord>();
        if (afterSeq >= toSeq) return fromMemory;
        var firstInMemory = Backlog.CopyRange(afterSeq + 1, toSeq, fromMemory);
        if (firstInMemory <= afterSeq + 1) return fromMemory;
        var replayed = _history.Replay(afterSeq + 1, firstInMemory - 1, _time.GetUtcNow().ToUnixTimeMilliseconds());
        replayed.AddRange(fromMemory);
        return replayed;
    }

    /// <summary>
    /// Records <paramref name="fromSeq"/> to <paramref name="toSeq"/> as they are read back, for ranges too long to
    /// hold (a download, a search): the history holds every record, the backlog's too.
    /// </summary>
    /// <param name="blocks">Lines that need no framing or masking may come as <see cref="VerbatimLineBlock"/>s (for readers that want the text).</param>
    public IEnumerable<SourceRecord> Read(long fromSeq, long toSeq, bool blocks = false) => blocks && _history is SourceJournal journal
        ? journal.Read(fromSeq, toSeq, _time.GetUtcNow().ToUnixTimeMilliseconds(), blocks: true)
        : _history.Read(fromSeq, toSeq, _time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>
    /// The sequence number of the first record read at or after <paramref name="time"/> (one past the last when none
    /// was yet): from the history's segment times, made exact by the backlog's own times for recent records. Null when
    /// the history does not know times.
    /// </summary>
    public long? SeqAt(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        if (_history.SeqAt(ms) is not { } seq) return null;
        return Backlog.FirstAtOrAfter(ms) is { } exact && exact < seq ? exact : seq;
    }

    /// <summary>
    /// The newest <paramref name="count"/> records up to <paramref name="toSeq"/> (at most the backlog's capacity),
    /// for a new viewer: from memory, or from the history after a bulk catch-up. Records older than anything kept
    /// are simply not there; a new viewer is not told of a gap before its first line.
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

    /// <summary>
    /// Lines counted in bulk during a catch-up, as lines, for viewers who need them (read from the history). A file's
    /// backfill (what it held before TailHub started reading it) is history, not news: it is left out.
    /// </summary>
    public List<SourceRecord> WithRunsAsLines(List<SourceRecord> records)
    {
        if (!records.Exists(r => r is LineRun)) return records;
        var lines = new List<SourceRecord>(records.Count);
        foreach (var record in records)
        {
            if (record is LineRun { Backfill: true }) continue;
            if (record is LineRun run) lines.AddRange(History(run.Seq - 1, run.LastSeq));
            else lines.Add(record);
        }
        return lines;
    }
}
