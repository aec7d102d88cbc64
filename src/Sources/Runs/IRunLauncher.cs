namespace TailHub.Sources.Runs;

/// <summary>
/// What a kind with runs starts: a local process, a command over SSH. It runs one run to its end, reading the
/// process's output into <see cref="RunContext.Output"/>; the source around it does everything else (numbering,
/// spools, notices, cancelling, restarting).
/// </summary>
public interface IRunLauncher
{
    /// <summary>What it runs, for people (never holding a secret).</summary>
    string Target { get; }

    /// <summary>
    /// Runs one run to its end and says how it ended. Throws <see cref="RunLaunchException"/> when it could not start
    /// (the run failed to start); returns <see cref="RunExit.Lost"/> when it lost sight of a run that had started.
    /// </summary>
    Task<RunExit> RunAsync(RunContext run);
}

/// <summary>One run as its launcher sees it.</summary>
/// <param name="StartedAsync">Called once the process is running, before its output is needed: the run's start notice goes first.</param>
/// <param name="Terminate">Cancelled when the run is to stop politely (SIGTERM).</param>
/// <param name="Kill">Cancelled when the grace period is over: stop it now (SIGKILL).</param>
public sealed record RunContext(
    int Number,
    IReadOnlyDictionary<string, string> Parameters,
    RunOutput Output,
    Func<Task> StartedAsync,
    CancellationToken Terminate,
    CancellationToken Kill);

/// <summary>How a run ended, as its launcher saw it.</summary>
/// <param name="Lost">The launcher lost sight of it (a dropped connection): how it ended is not known.</param>
public sealed record RunExit(int? ExitCode, string? Signal, bool Lost = false, string? Message = null)
{
    public static RunExit Exited(int code) => Signals.FromExitCode(code) is { } signal ? new(null, signal) : new(code, null);

    public static RunExit LostSight(string message) => new(null, null, Lost: true, message);
}

/// <summary>A run could not start (no such executable, connection refused, host key refused…): the message says why.</summary>
public sealed class RunLaunchException(string message, Exception? inner = null) : Exception(message, inner);
