using TailHub.Configuration;

namespace TailHub.Sources.Runs;

/// <summary>What every source with runs (<c>command</c>, <c>ssh</c>) is configured with besides what it runs.</summary>
public abstract class RunSourceOptions : SourceOptions
{
    /// <summary>Start a run when TailHub starts (a long-running command such as <c>journalctl -f</c>).</summary>
    public bool AutoStart { get; set; }

    /// <summary><c>never</c> (default), <c>on-failure</c> (failed or lost) or <c>always</c>: start the next run when one ends.</summary>
    public string Restart { get; set; } = "never";

    /// <summary>The wait before the first restart; it doubles for each restart that follows a short run.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts; a run that lasted longer than this resets the wait.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs queued or running at once; a start beyond it is refused (409).</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>A run's output kept at most (bytes as the process wrote them); then a marker line, and the rest is read and dropped.</summary>
    public long MaxRunBytes { get; set; } = 1L << 30;

    /// <summary>After a cancel's polite signal (SIGTERM), the wait before the run is killed (SIGKILL).</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Ended runs kept (their spools and their place in the runs list); older ones are deleted.</summary>
    public int KeepRuns { get; set; } = 100;

    /// <summary>
    /// Parameters a run may be started with: name → a regular expression the whole value must match (empty: any
    /// value of printable characters). Anything else in a start request is refused.
    /// </summary>
    public Dictionary<string, string> Parameters { get; set; } = [];
}
