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
}

/// <summary>
/// One run of a source that has runs (a command's execution, a Jenkins build): its number, state and result, when
/// it ran, and which stretch of the source's sequence holds its output (so history can be read for one run).
/// </summary>
public sealed record RunInfo(
    int Number,
    RunState State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode = null,
    string? Signal = null,
    long? FirstSeq = null,
    long? LastSeq = null,
    string? Message = null);

/// <summary>A source whose output comes in runs (<c>GET /api/sources/{name}/runs</c>).</summary>
public interface IHasRuns
{
    /// <summary>Every run kept, oldest first.</summary>
    IReadOnlyList<RunInfo> Runs { get; }
}
