namespace TailHub.Sources;

/// <summary>
/// A file that cannot be opened or read (mode 000, an I/O error): said once (one event, one log line), tried again
/// after a delay that doubles from the poll interval up to <see cref="MaxRetryDelay"/>, and its recovery said once.
/// Nothing in between is said, so the notice cannot wake anything that would make it be said again.
/// </summary>
internal sealed class FileError(string message, DateTimeOffset now, TimeSpan firstDelay)
{
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    public string Message { get; private set; } = message;

    public int Failures { get; private set; } = 1;

    public DateTimeOffset RetryAt { get; private set; } = now + Min(firstDelay, MaxRetryDelay);

    public bool DueForRetry(DateTimeOffset now) => now >= RetryAt;

    /// <summary>A retry failed too: wait twice as long before the next one.</summary>
    public void FailedAgain(string message, DateTimeOffset now)
    {
        Message = message;
        Failures++;
        var delay = firstDelay * Math.Pow(2, Math.Min(Failures - 1, 16));
        RetryAt = now + Min(delay, MaxRetryDelay);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
