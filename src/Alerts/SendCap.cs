namespace TailHub.Alerts;

/// <summary>At most <paramref name="perMinute"/> sends in any 60 seconds (a sliding window over the sends' times).</summary>
public sealed class SendCap(int perMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly Lock _lock = new();

    /// <summary>Takes a send if the last minute has room for it.</summary>
    public bool TryTake()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_sent.Count > 0 && now - _sent.Peek() >= Window) _sent.Dequeue();
            if (_sent.Count >= perMinute) return false;
            _sent.Enqueue(now);
            return true;
        }
    }
}
