namespace TailHub.Sources;

/// <summary>Where a run is: waiting to start, running, or how it ended.</summary>
public enum RunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// <summary>TailHub lost sight of it (a dropped SSH connection, TailHub stopped while it ran): how it ended is unknown.</summary>
    Lost,
    // Jenkins' own results (UNSTABLE, ABORTED, NOT_BUILT); added last, as the journal may hold these by number.
    /// <summary>A Jenkins build that ran to its end with test failures or warnings.</summary>
    Unstable,
    /// <summary>A Jenkins build stopped before its end.</summary>
    Aborted,
    /// <summary>A Jenkins build (or stage) that did not run.</summary>
    NotBuilt,
}

/// <summary>
/// One run of a source that has runs (a command's execution, a Jenkins build): its number, state and result, when
/// it ran, and which stretch of the source's sequence holds its output (so history can be read for one run).
/// </summary>
/// <param name="Signal">The signal that ended it (<c>SIGTERM</c>, <c>SIGKILL</c>…), when a signal did.</param>
/// <param name="FirstSeq">The sequence number of the notice that it started; its lines follow.</param>
/// <param name="LastSeq">The sequence number of the notice that it ended.</param>
/// <param name="Parameters">What it was started with (from the source's allow-list).</param>
/// <param name="Result">What the system that ran it says of its end, as it says it (a Jenkins build's <c>result</c>).</param>
public sealed record RunInfo(
    int Number,
    RunState State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode = null,
    string? Signal = null,
    long? FirstSeq = null,
    long? LastSeq = null,
    string? Message = null,
    IReadOnlyDictionary<string, string>? Parameters = null,
    string? Result = null)
{
    /// <summary>Still to end: queued or running.</summary>
    public bool IsActive => State is RunState.Queued or RunState.Running;

    /// <summary>
    /// Its output is still being written: it has not ended, or it ended before TailHub finished reading it (a Jenkins
    /// build's console read after the build).
    /// </summary>
    public bool IsBeingWritten => IsActive || (FirstSeq is not null && LastSeq is null);
}

/// <summary>A source whose output comes in runs (<c>GET /api/sources/{name}/runs</c>).</summary>
public interface IHasRuns
{
    /// <summary>Every run kept, oldest first.</summary>
    IReadOnlyList<RunInfo> Runs { get; }

    /// <summary>The newest run still going, else the newest run; null before the first.</summary>
    RunInfo? CurrentRun { get; }
}
