namespace TailHub.Pipeline;

/// <summary>How severe a line says it is; <see cref="Unknown"/> when it does not say.</summary>
public enum LineLevel : byte
{
    Unknown = 0,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

public static class LineLevels
{
    /// <summary>The level's name on the wire (<c>warn</c>); null for <see cref="LineLevel.Unknown"/>.</summary>
    public static string? Name(this LineLevel level) => level switch
    {
        LineLevel.Trace => "trace",
        LineLevel.Debug => "debug",
        LineLevel.Info => "info",
        LineLevel.Warn => "warn",
        LineLevel.Error => "error",
        LineLevel.Fatal => "fatal",
        _ => null,
    };

    /// <summary>A level name as people write it (<c>WARNING</c>, <c>err</c>, <c>critical</c>…).</summary>
    public static bool TryParse(string? text, out LineLevel level)
    {
        level = text?.Trim().ToLowerInvariant() switch
        {
            "trace" or "trc" or "verbose" or "vrb" => LineLevel.Trace,
            "debug" or "dbg" => LineLevel.Debug,
            "info" or "inf" or "information" or "notice" => LineLevel.Info,
            "warn" or "wrn" or "warning" => LineLevel.Warn,
            "error" or "err" or "eror" => LineLevel.Error,
            "fatal" or "ftl" or "critical" or "crit" or "panic" or "emerg" or "alert" => LineLevel.Fatal,
            _ => LineLevel.Unknown,
        };
        return level != LineLevel.Unknown;
    }
}
