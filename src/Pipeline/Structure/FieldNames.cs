namespace TailHub.Pipeline.Structure;

/// <summary>
/// The keys structured loggers put a line's level and time under (Serilog's <c>@l</c>/<c>@t</c>, ECS's
/// <c>log.level</c>/<c>@timestamp</c>, ASP.NET Core's <c>LogLevel</c>/<c>Timestamp</c>, Python's
/// <c>levelname</c>/<c>asctime</c>, Go's <c>level</c>/<c>lvl</c> and <c>time</c>/<c>ts</c>/<c>t</c>…), matched
/// ignoring ASCII case.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal static class FieldNames
{
    public static bool IsLevel(ReadOnlySpan<byte> key)
    {
        // Most keys are neither: their first byte says so without lowering them.
        if (key.IsEmpty || ((key[0] | 0x20) is not ('l' or 's') && key[0] != '@')) return false;
        Span<char> lower = stackalloc char[16];
        return Lower(key, lower) is { Length: > 0 } k && k switch
        {
            "level" or "lvl" or "severity" or "loglevel" or "log_level" or "log.level" or "@l" or "@level" or "levelname"
                or "severity_text" or "severitytext" or "level_name" => true,
            _ => false,
        };
    }

    public static bool IsTime(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || ((key[0] | 0x20) is not ('t' or 'd' or 'a') && key[0] != '@')) return false;
        Span<char> lower = stackalloc char[16];
        return Lower(key, lower) is { Length: > 0 } k && k switch
        {
            "time" or "ts" or "t" or "timestamp" or "@t" or "@timestamp" or "datetime" or "asctime" or "date" or "time_local" => true,
            _ => false,
        };
    }

    /// <summary>Serilog's compact format leaves <c>@l</c> out for Information: a line with a message template and no level is at info.</summary>
    public static bool IsClefMessage(ReadOnlySpan<byte> key) => key.SequenceEqual("@mt"u8) || key.SequenceEqual("@m"u8);

    /// <summary>ASCII lower case of <paramref name="key"/> in <paramref name="output"/>; empty when it is too long or not ASCII.</summary>
    public static ReadOnlySpan<char> Lower(ReadOnlySpan<byte> key, Span<char> output)
    {
        if (key.Length == 0 || key.Length > output.Length) return [];
        for (var i = 0; i < key.Length; i++)
        {
            var b = key[i];
            if (b >= 0x80) return [];
            output[i] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }
        return output[..key.Length];
    }
}
