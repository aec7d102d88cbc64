namespace TailHub.Reference;

/// <summary>
/// The newest frames, up to a number of lines, for viewers that resume with <c>Last-Event-ID</c>: the least a server
/// can keep to resume a stream (memory only, no history beyond it). Used only when <c>--resume-lines</c> is given.
/// </summary>
public sealed class FrameRing(int maxLines)
{
    private readonly Queue<(long LastSeq, int Lines, byte[] Frame)> _frames = new();
    private int _lines;

    public void Add(long lastSeq, int lines, byte[] frame)
    {
        _frames.Enqueue((lastSeq, lines, frame));
        _lines += lines;
        while (_lines > maxLines && _frames.Count > 1) _lines -= _frames.Dequeue().Lines;
    }

    /// <summary>The frames a viewer whose last event was <paramref name="seq"/> has not had, oldest first.</summary>
    public IEnumerable<byte[]> After(long seq)
    {
        foreach (var (lastSeq, _, frame) in _frames)
            if (lastSeq > seq) yield return frame;
    }
}
