namespace TailHub.Sources.Runs;

public static class RunStates
{
    /// <summary>The state as the API, the stream and messages name it.</summary>
    public static string Name(RunState state) => state switch
    {
        RunState.Queued => "queued",
        RunState.Running => "running",
        RunState.Succeeded => "succeeded",
        RunState.Failed => "failed",
        RunState.Cancelled => "cancelled",
        RunState.Unstable => "unstable",
        RunState.Aborted => "aborted",
        RunState.NotBuilt => "not-built",
        _ => "lost",
    };
}
