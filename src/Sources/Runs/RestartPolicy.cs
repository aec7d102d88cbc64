namespace TailHub.Sources.Runs;

/// <summary>Whether a run that ended is followed by another (<c>Restart</c>).</summary>
public enum RestartPolicy
{
    Never,
    /// <summary>After a run that failed or was lost, not after one that succeeded or was cancelled.</summary>
    OnFailure,
    /// <summary>After every run that was not cancelled.</summary>
    Always,
}

public static class RestartPolicies
{
    public static bool TryParse(string? value, out RestartPolicy policy)
    {
        policy = (value ?? "never").Trim().ToLowerInvariant() switch
        {
            "never" or "" => RestartPolicy.Never,
            "on-failure" => RestartPolicy.OnFailure,
            "always" => RestartPolicy.Always,
            _ => (RestartPolicy)(-1),
        };
        return Enum.IsDefined(policy);
    }

    /// <summary>Whether a run that ended in <paramref name="state"/> is followed by another.</summary>
    public static bool Restarts(this RestartPolicy policy, RunState state) => policy switch
    {
        RestartPolicy.Always => state is not RunState.Cancelled,
        RestartPolicy.OnFailure => state is RunState.Failed or RunState.Lost,
        _ => false,
    };
}
