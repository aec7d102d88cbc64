namespace TailHub.Sources.Runs;

/// <summary>
/// A run that has not ended: its latest state, and how it is asked to stop: a polite signal first
/// (<see cref="Terminate"/>), then, when the grace period is over, by force (<see cref="Kill"/>).
/// </summary>
internal sealed class ActiveRun(RunInfo run, TimeProvider time) : IDisposable
{
    private readonly CancellationTokenSource _terminate = new();
    private readonly CancellationTokenSource _kill = new();
    private readonly Lock _lock = new();
    private ITimer? _killTimer;
    private DateTimeOffset _killAt = DateTimeOffset.MaxValue;
    private RunInfo _run = run;

    public RunInfo Run
    {
        get => Volatile.Read(ref _run);
        set => Volatile.Write(ref _run, value);
    }

    /// <summary>Completes with the run once it has started (or ended without starting).</summary>
    public TaskCompletionSource<RunInfo> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken Terminate => _terminate.Token;
    public CancellationToken Kill => _kill.Token;

    /// <summary>Someone asked it to stop (a cancel, or TailHub stopping).</summary>
    public bool StopRequested => _terminate.IsCancellationRequested;

    /// <summary>The grace period ran out and it was killed.</summary>
    public bool Killed => _kill.IsCancellationRequested;

    /// <summary>Sends the polite signal now and the kill after <paramref name="grace"/>; asking again never lengthens the grace.</summary>
    public void RequestStop(TimeSpan grace)
    {
        lock (_lock)
        {
            _terminate.Cancel();
            if (_kill.IsCancellationRequested) return;
            if (grace <= TimeSpan.Zero)
            {
                _kill.Cancel();
                return;
            }
            var killAt = time.GetUtcNow() + grace;
            if (killAt >= _killAt) return;
            _killAt = killAt;
            _killTimer ??= time.CreateTimer(_ => KillNow(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _killTimer.Change(grace, Timeout.InfiniteTimeSpan);
        }
    }

    private void KillNow()
    {
        try
        {
            _kill.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended just before its grace did.
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _killTimer?.Dispose();
        }
        _terminate.Dispose();
        _kill.Dispose();
    }
}
