namespace TailHub.Reference;

/// <summary>
/// The lines read (from the file, a command's output or pushed uploads) until the batcher takes them. Readers that
/// get ahead of the batcher by <see cref="MaxPending"/> lines wait for it, so a catch-up over a big file or a fast
/// upload is held in memory a window at a time, not whole.
/// </summary>
public sealed class LineCollector
{
    public const int MaxPending = 1 << 18;

    private readonly Lock _lock = new();
    private List<byte[]> _lines = [];
    private List<byte[]> _spare = [];
    private TaskCompletionSource _room = Opened();
    private long _linesRead;

    public long LinesRead => Interlocked.Read(ref _linesRead);

    /// <summary>Adds every complete line in <paramref name="data"/>; returns the bytes used (the rest is a line still incomplete).</summary>
    public int Append(ReadOnlySpan<byte> data, out int added)
    {
        var start = 0;
        added = 0;
        lock (_lock)
        {
            int newline;
            while ((newline = data[start..].IndexOf((byte)'\n')) >= 0)
            {
                _lines.Add(data.Slice(start, newline).ToArray());
                start += newline + 1;
                added++;
            }
            _linesRead += added;
            if (_lines.Count >= MaxPending && _room.Task.IsCompleted) _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return start;
    }

    /// <summary>Completes when fewer than <see cref="MaxPending"/> lines wait for the batcher.</summary>
    public Task WaitForRoomAsync()
    {
        lock (_lock) return _room.Task;
    }

    /// <summary>The lines read since the last call (the returned list is the caller's until its next call).</summary>
    public List<byte[]> Take()
    {
        TaskCompletionSource room;
        List<byte[]> taken;
        lock (_lock)
        {
            (_lines, _spare) = (_spare, _lines);
            _lines.Clear();
            taken = _spare;
            room = _room;
        }
        room.TrySetResult();
        return taken;
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
