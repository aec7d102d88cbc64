using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace TailHub.Streaming;

/// <summary>
/// A viewer's bounded queue of frames: many publishers, one reader (its session loop). Writing never waits: when
/// full, the oldest frame is dropped and handed to <see cref="Viewer.OnDropped"/>, which remembers it as a gap.
/// </summary>
/// <remarks>
/// Every connected viewer has one, and most of them are idle most of the time, so it is built for what an idle one
/// keeps: no ring until a frame has to wait (the direct path writes frames without queueing), the ring grown by
/// doubling up to its capacity, and the reader's wait a reusable <see cref="IValueTaskSource{TResult}"/> in this
/// object rather than a bounded channel's reader, writer and waiter objects (the heap census and the idle-memory rows
/// of load-tests/results/REPORT.md compare the two).
/// </remarks>
public sealed class ViewerQueue : ChannelReader<SseFrame>, IValueTaskSource<bool>
{
    private const int FirstRingSize = 4;

    private readonly Viewer _owner;
    private readonly int _capacity;
    private readonly Lock _lock;
    private SseFrame[]? _ring;
    private int _head;
    private int _count;
    private bool _completed;

    // The reader's one pending wait, if any; completed by a write, by completion or by its token.
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private CancellationTokenRegistration _waitCancellation;

    /// <param name="sharedLock">The owner's lock, shared rather than one more object per viewer; never held while the owner is called.</param>
    public ViewerQueue(Viewer owner, int capacity, Lock sharedLock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _owner = owner;
        _capacity = capacity;
        _lock = sharedLock;
    }

    public override bool CanCount => true;

    public override int Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>Queues the frame, dropping the oldest when full; false once the queue is completed.</summary>
    public bool TryWrite(SseFrame frame)
    {
        SseFrame? dropped = null;
        lock (_lock)
        {
            if (_completed) return false;
            if (_count == _capacity)
            {
                dropped = _ring![_head];
                _ring[_head] = frame;
                _head = (_head + 1) % _ring.Length;
            }
            else
            {
                if (_ring is null || _count == _ring.Length) Grow();
                _ring![(_head + _count) % _ring.Length] = frame;
                _count++;
            }
            if (_waiting) Release(true);
        }
        if (dropped is not null) _owner.OnDropped(dropped);
        return true;
    }

    /// <summary>No more frames will be written; the reader finishes what is queued, then its wait answers false.</summary>
    public bool TryComplete()
    {
        lock (_lock)
        {
            if (_completed) return false;
            _completed = true;
            if (_waiting && _count == 0) Release(false);
            return true;
        }
    }

    public override bool TryRead(out SseFrame item)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                item = null!;
                return false;
            }
            item = _ring![_head];
            _ring[_head] = null!;
            _head = (_head + 1) % _ring.Length;
            _count--;
            return true;
        }
    }

    /// <summary>True when a frame can be read, false once completed and empty. One reader: a second wait while one is pending is refused.</summary>
    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<bool>(cancellationToken);
        short version;
        lock (_lock)
        {
            if (_count > 0) return new ValueTask<bool>(true);
            if (_completed) return new ValueTask<bool>(false);
            if (_waiting) throw new InvalidOperationException("A viewer's queue has one reader; it is already waiting.");
            _wait.Reset();
            _waiting = true;
            version = _wait.Version;
        }
        if (cancellationToken.CanBeCanceled)
        {
            // Registered outside the lock: a token cancelled meanwhile runs the callback here, which takes the lock.
            var registration = cancellationToken.UnsafeRegister(static (state, token) => ((ViewerQueue)state!).CancelWait(token), this);
            lock (_lock)
            {
                if (_waiting && _wait.Version == version) _waitCancellation = registration;
                else registration.Unregister();
            }
        }
        return new ValueTask<bool>(this, version);
    }

    private void CancelWait(CancellationToken token)
    {
        lock (_lock)
        {
            if (!_waiting) return;
            _waiting = false;
            _waitCancellation = default;
            _wait.SetException(new OperationCanceledException(token));
        }
    }

    /// <summary>Ends the pending wait; under the lock.</summary>
    private void Release(bool canRead)
    {
        _waiting = false;
        // Disposing could wait for a callback that needs this lock; Unregister never waits.
        _waitCancellation.Unregister();
        _waitCancellation = default;
        _wait.SetResult(canRead);
    }

    private void Grow()
    {
        var size = _ring is null ? Math.Min(FirstRingSize, _capacity) : Math.Min(_ring.Length * 2, _capacity);
        var ring = new SseFrame[size];
        for (var i = 0; i < _count; i++) ring[i] = _ring![(_head + i) % _ring.Length];
        _ring = ring;
        _head = 0;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
