namespace TailHub.Streaming;

/// <summary>
/// How much matching time one viewer's <c>grep=</c> may use: <see cref="Configuration.TailHubOptions.GrepBudget"/> per
/// second, with at most one second's worth saved up (a token bucket). A viewer over it waits before matching more; if
/// lines keep coming meanwhile its bounded queue overflows and it is told of a <c>gap</c>, like any slow viewer. So
/// however costly a pattern is on the lines it meets, one viewer can take only that share of a core.
/// </summary>
public sealed class GrepBudget
{
    private readonly TimeProvider _time;
    // In TimeSpan ticks: whole numbers, so a wait is exactly what the excess costs.
    private readonly long _perSecond;
    private long _available;
    private long _refilledAt;

    public GrepBudget(TimeProvider time, TimeSpan perSecond)
    {
        _time = time;
        _perSecond = perSecond.Ticks;
        _available = _perSecond;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Matching time used so far, in total.</summary>
    public TimeSpan Spent { get; private set; }

    /// <summary>Counts <paramref name="used"/> of matching against the budget.</summary>
    public void Spend(TimeSpan used)
    {
        Refill();
        _available -= used.Ticks;
        Spent += used;
    }

    /// <summary>How long to wait before matching more: zero while there is budget left.</summary>
    public TimeSpan WaitNeeded()
    {
        Refill();
        return _available >= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(-_available * TimeSpan.TicksPerSecond / _perSecond);
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = Math.Min(_time.GetElapsedTime(_refilledAt, now).Ticks, TimeSpan.TicksPerSecond);
        _refilledAt = now;
        _available = Math.Min(_perSecond, _available + elapsed * _perSecond / TimeSpan.TicksPerSecond);
    }
}
