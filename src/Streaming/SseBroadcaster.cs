using System.Buffers;
using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.Streaming;

/// <summary>
/// Fans one source's records out to its viewers. Throttled on the leading edge: a record after a quiet spell goes
/// out at once; while records keep coming they are coalesced and sent at most every <see cref="TailHubOptions.BatchInterval"/>
/// (longer with very many viewers, see <see cref="CoalescingWindow"/>), or sooner
/// when a batch reaches <see cref="TailHubOptions.BatchMaxLines"/>. Each event is encoded once and the
/// same bytes are queued to every viewer.
/// </summary>
public sealed class SseBroadcaster : ISequencedRecordSink
{
    private readonly TailHubOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly string[] _selfName;
    private readonly string[] _selfEpoch;
    private List<SourceRecord> _pending = [];
    private List<SourceRecord> _spare = [];
    private int _pendingLines;
    private TaskCompletionSource _full = NewFullSignal();
    private TaskCompletionSource? _room;

    // Frames stay well under the large-object heap's 85 KB, where every allocation would cost a full collection's worth.
    private const int MaxFrameTextBytes = 48 * 1024;
    private long _lastPublishedSeq;
    private Viewer[] _viewers = [];
    private long _linesSent;
    private long _linesDropped;

    public SseBroadcaster(SourceHub hub, TailHubOptions options, TimeProvider time)
    {
        Hub = hub;
        _options = options;
        _time = time;
        _selfName = [hub.Name];
        _selfEpoch = [hub.Epoch];
        // A hub restored from its state (or a mirror starting mid-stream) has published up to here already: a viewer
        // resuming before its first new record gets what it missed up to this point, not nothing.
        _lastPublishedSeq = hub.LastSeq;
    }

    public string Name => Hub.Name;
    public string Epoch => Hub.Epoch;
    public SourceHub Hub { get; }
    public int ViewerCount => Volatile.Read(ref _viewers).Length;

    /// <summary>The viewers subscribed now (a snapshot).</summary>
    public IReadOnlyList<Viewer> Viewers => Volatile.Read(ref _viewers);
    public long LastPublishedSeq => Interlocked.Read(ref _lastPublishedSeq);

    /// <summary>Lines handed to viewers' queues, counted once per viewer.</summary>
    public long LinesSent => Interlocked.Read(ref _linesSent);

    /// <summary>Lines dropped from slow viewers' queues, counted once per viewer.</summary>
    public long LinesDropped => Interlocked.Read(ref _linesDropped);

    internal void CountDropped(int lines) => Interlocked.Add(ref _linesDropped, lines);

    public void Publish(SourceRecord[] records)
    {
        lock (_lock)
        {
            if (_viewers.Length == 0 && _pending.Count == 0)
            {
                // Nobody watching: published as they are (a viewer who comes later gets them from the backlog or the journal).
                _lastPublishedSeq = records[^1].LastSeq;
                return;
            }
            _pending.AddRange(records);
            foreach (var record in records) _pendingLines += record.SeqCount;
            if (_pendingLines >= _options.BatchMaxLines) _full.TrySetResult();
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Adds a viewer and returns the last sequence number already published: the viewer's history must end there and
    /// its live frames start right after, so nothing is missed or sent twice between the two.
    /// </summary>
    public long Subscribe(Viewer viewer)
    {
        lock (_lock)
        {
            _viewers = [.. _viewers, viewer];
            return _lastPublishedSeq;
        }
    }

    public void Unsubscribe(Viewer viewer)
    {
        lock (_lock)
        {
            _viewers = Array.FindAll(_viewers, v => !ReferenceEquals(v, viewer));
        }
    }

    /// <summary>Waits while more than a few batches are pending, which only happens when encoding falls behind reading.</summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        Task room;
        lock (_lock)
        {
            if (_pendingLines <= PendingLimit) return ValueTask.CompletedTask;
            _room ??= NewFullSignal();
            room = _room.Task;
        }
        return new ValueTask(room.WaitAsync(cancellationToken));
    }

    private int PendingLimit => 4 * _options.BatchMaxLines;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var lastSend = DateTimeOffset.MinValue;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(cancellationToken))
            {
                _wake.Reader.TryRead(out _);
                var wait = lastSend + CoalescingWindow(_options, ViewerCount) - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    // Records are still coming: coalesce until the interval is over or the batch is full.
                    Task full;
                    lock (_lock) full = _full.Task;
                    await Task.WhenAny(Task.Delay(wait, _time, cancellationToken), full);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                if (Send()) lastSend = _time.GetUtcNow();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// How long lines are coalesced after a send: the configured interval, or longer when that many viewers would
    /// need more than <see cref="TailHubOptions.FanOutWritesPerSecond"/> socket writes a second. Each write to a
    /// viewer costs about the same CPU (mostly the kernel's TCP path) whatever the batch holds, so with thousands of
    /// viewers the batches grow instead of the CPU (10,000 viewers × 100 lines/s: 1.07 → 0.67 µs per delivery and
    /// the machine no longer saturated, see load-tests/results/REPORT.md). A line after a quiet spell still goes out at once.
    /// </summary>
    private static TimeSpan CoalescingWindow(TailHubOptions options, int viewers)
    {
        var spread = TimeSpan.FromSeconds((double)viewers / options.FanOutWritesPerSecond);
        return spread > options.BatchInterval ? spread : options.BatchInterval;
    }

    private bool Send()
    {
        List<SourceRecord> records;
        Viewer[] viewers;
        lock (_lock)
        {
            if (_pending.Count == 0) return false;
            records = _pending;
            _pending = _spare;
            _spare = records;
            _pendingLines = 0;
            if (_full.Task.IsCompleted) _full = NewFullSignal();
            _room?.TrySetResult();
            _room = null;
            _lastPublishedSeq = records[^1].LastSeq;
            viewers = _viewers;
        }
        // Nobody watching: nothing to encode (a viewer who comes later gets these from the backlog or the journal).
        if (viewers.Length > 0)
        {
            foreach (var frame in Encode(Hub.WithRunsAsLines(records)))
            {
                foreach (var viewer in viewers) viewer.Offer(frame);
                Interlocked.Add(ref _linesSent, (long)frame.LineCount * viewers.Length);
            }
        }
        records.Clear();
        return true;
    }

    /// <summary>Splits records into events: runs of lines (at most BatchMaxLines each) and one event per notice.</summary>
    public IEnumerable<SseFrame> Encode(IReadOnlyList<SourceRecord> records)
    {
        var frames = new List<SseFrame>();
        var run = new List<LogLine>();
        var runBytes = 0;
        foreach (var record in records)
        {
            switch (record)
            {
                case LogLine line:
                    run.Add(line);
                    runBytes += line.Utf8.Length;
                    if (run.Count >= _options.BatchMaxLines || runBytes >= MaxFrameTextBytes) FlushRun();
                    break;
                case SourceNotice notice:
                    FlushRun();
                    frames.Add(Encode(notice.Seq, notice.Seq, 0, null, b => SseFormat.WriteNotice(b, Name, notice)));
                    break;
                case SequenceGap gap:
                    FlushRun();
                    frames.Add(Encode(gap.From, gap.To, 0, null, b => SseFormat.WriteGap(b, Name, gap.From, gap.To, gap.Reason), gapReason: gap.Reason));
                    break;
            }
        }
        FlushRun();
        return frames;

        void FlushRun()
        {
            if (run.Count == 0) return;
            var lines = run.ToArray();
            run.Clear();
            runBytes = 0;
            frames.Add(Encode(lines[0].Seq, lines[^1].Seq, lines.Length, lines, b => SseFormat.WriteLines(b, Name, lines), lines[0].ReadTimestamp));
        }
    }

    private SseFrame Encode(long firstSeq, long lastSeq, int lineCount, LogLine[]? lines, Action<IBufferWriter<byte>> write, long readTimestamp = 0, GapReason? gapReason = null)
    {
        lock (_buffer)
        {
            _buffer.ResetWrittenCount();
            Span<long> position = [lastSeq];
            SseFormat.WriteId(_buffer, _selfName, _selfEpoch, position);
            var idLength = _buffer.WrittenCount;
            write(_buffer);
            return new SseFrame(this, firstSeq, lastSeq, lineCount, _buffer.WrittenSpan.ToArray(), idLength, lines) { ReadTimestamp = readTimestamp, GapReason = gapReason };
        }
    }

    private static TaskCompletionSource NewFullSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
