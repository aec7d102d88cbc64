namespace TailHub.Reference;

/// <summary>The open streams; a batch goes to each in turn from the batching thread.</summary>
public sealed class FanOut(int resumeLines)
{
    private readonly Lock _lock = new();
    private readonly FrameRing? _recent = resumeLines > 0 ? new FrameRing(resumeLines) : null;
    private ViewerConnection[] _viewers = [];

    public int Count => Volatile.Read(ref _viewers).Length;

    /// <summary>Frames are kept for viewers that resume, so they are made even while no one watches.</summary>
    public bool KeepsRecent => _recent is not null;

    /// <param name="resumeAfter">The viewer's <c>Last-Event-ID</c> sequence: the kept frames after it are sent first.</param>
    public void Add(ViewerConnection viewer, long? resumeAfter = null)
    {
        lock (_lock)
        {
            // Under the lock a frame is either already kept (sent here) or not yet sent to anyone (sent by Send).
            if (resumeAfter is { } after && _recent is not null)
                foreach (var frame in _recent.After(after)) viewer.Send(frame);
            _viewers = [.. _viewers, viewer];
        }
    }

    public void Remove(ViewerConnection viewer)
    {
        lock (_lock) _viewers = Array.FindAll(_viewers, v => !ReferenceEquals(v, viewer));
    }

    public void Send(byte[] frame, long lastSeq, int lines)
    {
        ViewerConnection[] viewers;
        if (_recent is null)
        {
            viewers = Volatile.Read(ref _viewers);
        }
        else
        {
            lock (_lock)
            {
                _recent.Add(lastSeq, lines, frame);
                viewers = _viewers;
            }
        }
        foreach (var viewer in viewers) viewer.Send(frame);
    }
}
