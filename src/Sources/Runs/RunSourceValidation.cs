namespace TailHub.Sources.Runs;

/// <summary>What every source with runs needs before it can start, besides what it runs.</summary>
public static class RunSourceValidation
{
    public static IEnumerable<string> Errors(RunSourceOptions options)
    {
        if (!RestartPolicies.TryParse(options.Restart, out _))
            yield return $"Restart must be never, on-failure or always, not '{options.Restart}'.";
        if (options.RestartDelay < TimeSpan.FromMilliseconds(100) || options.RestartDelay > TimeSpan.FromHours(1))
            yield return "RestartDelay must be from 100 ms to 1 hour.";
        if (options.MaxRestartDelay < options.RestartDelay || options.MaxRestartDelay > TimeSpan.FromDays(1))
            yield return "MaxRestartDelay must be at least RestartDelay and at most 1 day.";
        if (options.MaxConcurrentRuns is < 1 or > 100)
            yield return "MaxConcurrentRuns must be from 1 to 100.";
        if (options.MaxRunBytes < 1024 * 1024)
            yield return "MaxRunBytes must be at least 1 MiB (1048576).";
        if (options.CancelGrace < TimeSpan.Zero || options.CancelGrace > TimeSpan.FromMinutes(10))
            yield return "CancelGrace must be from 0 to 10 minutes.";
        if (options.KeepRuns is < 1 or > 100_000)
            yield return "KeepRuns must be from 1 to 100000.";
        foreach (var error in RunParameters.Errors(options.Parameters)) yield return error;
    }
}
