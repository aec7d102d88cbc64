using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Streaming;

/// <summary>
/// Every connected viewer, for one shared heartbeat timer: an idle viewer gets a comment every
/// <see cref="TailHubOptions.HeartbeatInterval"/> so proxies and load balancers keep its connection open; and when the
/// server stops, every stream is ended (one registration for all of them, not a linked token per viewer).
/// </summary>
public sealed class ViewerRegistry : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<Viewer> _viewers = [];
    private readonly TimeProvider _time;
    // The timer ticks this many times per interval; a viewer is due once it has been idle for all but one tick.
    private const int TicksPerInterval = 10;

    private readonly long _dueAfterTicks;
    private readonly ITimer _timer;
    private readonly CancellationTokenRegistration _stopping;
    private bool _stopped;

    public ViewerRegistry(IOptions<TailHubOptions> options, TimeProvider time, IHostApplicationLifetime? lifetime = null)
    {
        _time = time;
        var interval = options.Value.HeartbeatInterval;
        var tick = interval / TicksPerInterval;
        // Heartbeats go a little early rather than late: whatever its phase against the ticks, an idle viewer is sent
        // one between (interval - tick) and interval after its last write, so a proxy timing out at the interval
        // never sees it idle that long.
        _dueAfterTicks = (interval - tick).Ticks;
        _timer = time.CreateTimer(_ => Beat(), null, tick, tick);
        // Streams never end on their own: end them when the server stops, and browsers resume on the next run.
        if (lifetime is not null) _stopping = lifetime.ApplicationStopping.Register(StopAll);
    }

    public int Count
    {
        get { lock (_lock) return _viewers.Count; }
    }

    public void Add(Viewer viewer)
    {
        lock (_lock)
        {
            _viewers.Add(viewer);
            if (!_stopped) return;
        }
        viewer.Stop();
    }

    /// <summary>Ends every stream, and any that connects from now on.</summary>
    public void StopAll()
    {
        Viewer[] viewers;
        lock (_lock)
        {
            _stopped = true;
            viewers = [.. _viewers];
        }
        foreach (var viewer in viewers) viewer.Stop();
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
            if (now - viewer.LastWriteTicks >= _dueAfterTicks) viewer.Offer(SseFrame.Heartbeat);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _timer.Dispose();
    }
}
