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

    /// <summary>A level name as people write it (<c>WARNING</c>, <c>err</c>, <c>critical</c>, <c>Information</c>…).</summary>
    public static bool TryParse(string? text, out LineLevel level)
    {
        level = Structure.LevelDetector.FromName((text ?? "").AsSpan().Trim());
        return level != LineLevel.Unknown;
    }
}
