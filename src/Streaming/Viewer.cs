using System.Text.RegularExpressions;
using System.Threading.Channels;
using TailHub.Pipeline;

namespace TailHub.Streaming;

/// <summary>
/// One connected viewer: the sources it watches, its position in each, optional server-side filters, and a
/// bounded queue of frames. Publishing to it never waits: when the queue is full its oldest frames are dropped
/// and remembered as a gap, so a slow viewer costs nobody else time and the server no unbounded memory.
/// </summary>
public sealed class Viewer
{
    private readonly ViewerQueue _queue;
    private readonly Lock _gapLock = new();
    private readonly (long From, long To)[] _droppedRanges;
    private long _lastWriteTicks;
    private long _droppedLines;
    private SseViewerSession? _output;

    public Viewer(IReadOnlyList<SseBroadcaster> sources, Regex? grep, int queueFrames, long nowTicks, LineLevel minLevel = LineLevel.Unknown)
    {
        MinLevel = minLevel;
        Broadcasters = sources;
        SourceNames = sources.Select(s => s.Name).ToArray();
        Epochs = sources.Select(s => s.Epoch).ToArray();
        Positions = new long[sources.Count];
        Grep = grep;
        _droppedRanges = new (long, long)[sources.Count];
        _lastWriteTicks = nowTicks;
        _queue = new ViewerQueue(this, queueFrames, _gapLock);
    }

    /// <summary>The broadcasters of the sources it watches, in the order of its stream's id.</summary>
    public IReadOnlyList<SseBroadcaster> Broadcasters { get; }
    public IReadOnlyList<string> SourceNames { get; }

    /// <summary>Each source's epoch, for the viewer's id (see <see cref="StreamCursor"/>).</summary>
    public IReadOnlyList<string> Epochs { get; }

    /// <summary>Last sequence number delivered, per source (same order as <see cref="Broadcasters"/>).</summary>
    public long[] Positions { get; }

    public Regex? Grep { get; }

    /// <summary>Only lines at this level or above are sent (<c>level=</c>); <see cref="LineLevel.Unknown"/>: all.</summary>
    public LineLevel MinLevel { get; }

    /// <summary>The viewer filters lines (<see cref="Grep"/>, <see cref="MinLevel"/>): in its own session loop, never where frames are offered.</summary>
    public bool Filters => Grep is not null || MinLevel != LineLevel.Unknown;
    public ChannelReader<SseFrame> Frames => _queue;

    /// <summary>Lines this viewer lost by being too slow.</summary>
    public long DroppedLines => Interlocked.Read(ref _droppedLines);

    public long LastWriteTicks
    {
        get => Interlocked.Read(ref _lastWriteTicks);
        set => Interlocked.Exchange(ref _lastWriteTicks, value);
    }

    public int IndexOf(SseBroadcaster source)
    {
        for (var i = 0; i < Broadcasters.Count; i++) if (ReferenceEquals(Broadcasters[i], source)) return i;
        return -1;
    }

    /// <summary>
    /// Hands a frame over without ever waiting: written at once if the viewer is idle, else queued. A viewer that
    /// <see cref="Filters"/> always queues: its filter runs in its own session loop, never on the thread that feeds
    /// every viewer of the source.
    /// </summary>
    public void Offer(SseFrame frame)
    {
        if (!Filters && Volatile.Read(ref _output) is { } output && output.TryWriteNow(frame)) return;
        _queue.TryWrite(frame);
    }

    /// <summary>From now on frames may be written directly (the viewer's history has been written).</summary>
    public void Attach(SseViewerSession output) => Volatile.Write(ref _output, output);

    public void Detach() => Volatile.Write(ref _output, null);

    /// <summary>Frames or a gap are waiting to be written by the session loop.</summary>
    public bool HasPending
    {
        get
        {
            if (_queue.Count > 0) return true;
            lock (_gapLock)
            {
                foreach (var range in _droppedRanges) if (range.From != 0) return true;
            }
            return false;
        }
    }

    /// <summary>The viewer left: publishers stop queueing, the writer loop ends.</summary>
    public void Complete() => _queue.TryComplete();

    /// <summary>
    /// The server is stopping: the session loop writes what is queued and ends, and a write waiting on a client that
    /// does not read is given up, so the stream ends without holding the shutdown (the browser resumes on the next run).
    /// </summary>
    public void Stop()
    {
        Complete();
        Volatile.Read(ref _output)?.CancelPendingFlush();
    }

    /// <summary>The queue dropped its oldest frame to make room: remembered as a gap for this viewer.</summary>
    internal void OnDropped(SseFrame frame)
    {
        if (frame.Source is null) return; // a heartbeat: nothing lost
        var index = IndexOf(frame.Source);
        if (index < 0) return;
        Interlocked.Add(ref _droppedLines, frame.LineCount);
        frame.Source.CountDropped(frame.LineCount);
        lock (_gapLock)
        {
            var (from, to) = _droppedRanges[index];
            _droppedRanges[index] = from == 0 ? (frame.FirstSeq, frame.LastSeq) : (Math.Min(from, frame.FirstSeq), Math.Max(to, frame.LastSeq));
        }
    }

    /// <summary>Takes the ranges dropped since the last call, per source index.</summary>
    public bool TryTakeGap(out int sourceIndex, out long from, out long to)
    {
        lock (_gapLock)
        {
            for (var i = 0; i < _droppedRanges.Length; i++)
            {
                if (_droppedRanges[i].From == 0) continue;
                (from, to) = _droppedRanges[i];
                _droppedRanges[i] = default;
                sourceIndex = i;
                return true;
            }
        }
        sourceIndex = -1;
        from = to = 0;
        return false;
    }

}
