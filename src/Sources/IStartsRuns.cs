namespace TailHub.Sources;

/// <summary>
/// A source whose runs can be started and cancelled on request (<c>POST</c> and <c>DELETE /api/sources/{name}/runs</c>):
/// a command, a remote command over SSH, later a Jenkins build.
/// </summary>
public interface IStartsRuns
{
    /// <summary>
    /// Starts a run with <paramref name="parameters"/> (names and values the source's configuration allows) and
    /// returns it as it is once started. Throws <see cref="RunRejectedException"/> when it may not start.
    /// </summary>
    Task<RunInfo> StartRunAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Asks run <paramref name="number"/> to stop (politely, then by force after a grace period) and returns it as it
    /// is now; null when there is no such run. Throws <see cref="RunRejectedException"/> when it has already ended.
    /// </summary>
    Task<RunInfo?> CancelRunAsync(int number, CancellationToken cancellationToken);
}

/// <summary>Why a run could not be started or cancelled.</summary>
public enum RunRejection
{
    /// <summary>A parameter is not in the allow-list, or its value is not allowed.</summary>
    InvalidParameters,
    /// <summary>As many runs as the source allows at once are queued or running.</summary>
    TooManyRuns,
    /// <summary>The run has already ended.</summary>
    AlreadyEnded,
}

public sealed class RunRejectedException(RunRejection reason, string message) : Exception(message)
{
    public RunRejection Reason { get; } = reason;
}
