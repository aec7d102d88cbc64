using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Streaming;

/// <summary>
/// Every connected viewer, for one shared heartbeat timer: an idle viewer gets a comment every
/// <see cref="TailHubOptions.HeartbeatInterval"/> so proxies and load balancers keep its connection open.
/// </summary>
public sealed class ViewerRegistry : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<Viewer> _viewers = [];
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly ITimer _timer;

    public ViewerRegistry(IOptions<TailHubOptions> options, TimeProvider time)
    {
        _time = time;
        var interval = options.Value.HeartbeatInterval;
        _intervalTicks = interval.Ticks;
        // Tick at half the interval so no viewer waits much longer than the interval for its heartbeat.
        _timer = time.CreateTimer(_ => Beat(), null, interval / 2, interval / 2);
    }

    public int Count
    {
        get { lock (_lock) return _viewers.Count; }
    }

    public void Add(Viewer viewer)
    {
        lock (_lock) _viewers.Add(viewer);
    }

    public void Remove(Viewer viewer)
    {
        lock (_lock) _viewers.Remove(viewer);
    }

    private void Beat()
    {
        Viewer[] viewers;
        lock (_lock) viewers = [.. _viewers];
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var viewer in viewers)
        {
            if (now - viewer.LastWriteTicks >= _intervalTicks) viewer.Offer(SseFrame.Heartbeat);
        }
    }

    public void Dispose() => _timer.Dispose();
}
