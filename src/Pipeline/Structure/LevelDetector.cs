namespace TailHub.Pipeline.Structure;

/// <summary>
/// A line's level from how loggers write it: a level name (any of the usual spellings), a number (syslog severity,
/// pino/bunyan), or, for plain text, the first few tokens of the line after terminal colours and a leading timestamp:
/// <c>ERROR</c>, <c>[warn]</c>, <c>&lt;info&gt;</c>, <c>fail:</c>, <c>WARNING -</c>, glog's <c>E1202 15:04:05</c>, a syslog
/// priority <c>&lt;11&gt;</c>, or an embedded <c>level=warn</c>. A bare word counts only in upper case (<c>ERROR</c>, not
/// the word "error" in a sentence); a marked one (brackets, a trailing colon) in any case.
/// </summary>
/// <remarks>Only the first <see cref="HeadBytes"/> bytes are looked at, with byte comparisons: no regular expression, no allocation.</remarks>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal static class LevelDetector
{
    public const int HeadBytes = 256;
    private const int MaxTokens = 5;

    /// <summary>A level name as people write it (<c>WARNING</c>, <c>err</c>, <c>Information</c>, <c>crit</c>…), any case.</summary>
    public static LineLevel FromName(ReadOnlySpan<byte> name)
    {
        Span<char> lower = stackalloc char[16];
        return FromLowerName(FieldNames.Lower(name, lower));
    }

    /// <inheritdoc cref="FromName(ReadOnlySpan{byte})"/>
    public static LineLevel FromName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 16) return LineLevel.Unknown;
        Span<char> lower = stackalloc char[name.Length];
        for (var i = 0; i < name.Length; i++) lower[i] = char.ToLowerInvariant(name[i]);
        return FromLowerName(lower);
    }

    private static LineLevel FromLowerName(ReadOnlySpan<char> name) => name switch
    {
        "trace" or "trc" or "trce" or "verbose" or "vrb" or "finest" or "finer" => LineLevel.Trace,
        "debug" or "dbg" or "dbug" or "fine" => LineLevel.Debug,
        "info" or "inf" or "information" or "informational" or "notice" => LineLevel.Info,
        "warn" or "wrn" or "warning" => LineLevel.Warn,
        "error" or "err" or "eror" or "fail" or "severe" => LineLevel.Error,
        "fatal" or "ftl" or "critical" or "crit" or "panic" or "emerg" or "emergency" or "alert" => LineLevel.Fatal,
        _ => LineLevel.Unknown,
    };

    /// <summary>
    /// A numeric level: 0–7 is a syslog severity (GELF), 10–69 pino's and bunyan's scale (10 trace … 60 fatal).
    /// </summary>
    public static LineLevel FromNumber(double value)
    {
        if (value >= 0 && value <= 7 && value == Math.Floor(value)) return FromSyslogSeverity((int)value);
        return value switch
        {
            >= 10 and < 20 => LineLevel.Trace,
            >= 20 and < 30 => LineLevel.Debug,
            >= 30 and < 40 => LineLevel.Info,
            >= 40 and < 50 => LineLevel.Warn,
            >= 50 and < 60 => LineLevel.Error,
            >= 60 and < 70 => LineLevel.Fatal,
            _ => LineLevel.Unknown,
        };
    }

    /// <summary>Syslog severity: 0 emerg, 1 alert, 2 crit, 3 err, 4 warning, 5 notice, 6 info, 7 debug.</summary>
    public static LineLevel FromSyslogSeverity(int severity) => severity switch
    {
        <= 2 => LineLevel.Fatal,
        3 => LineLevel.Error,
        4 => LineLevel.Warn,
        5 or 6 => LineLevel.Info,
        _ => LineLevel.Debug,
    };

    /// <summary>The level and time a plain line states at its start; the time is 0 when it states none with a date.</summary>
    public static (LineLevel Level, long At) FromPlainText(ReadOnlySpan<byte> line, long referenceMs, TimeZoneInfo zone)
    {
        scoped var head = line.Length > HeadBytes ? line[..HeadBytes] : line;
        Span<byte> stripped = stackalloc byte[HeadBytes];
        if (AnsiCodes.Contains(head)) head = stripped[..AnsiCodes.Strip(line, stripped)];

        var i = SkipSpaces(head, 0);
        if (Priority(head[i..], out var severity, out var used))
        {
            // A syslog message as sent (<PRI>, then RFC 5424's version "1 " and its timestamp, or RFC 3164's).
            i += used;
            if (head.Length > i + 1 && head[i] == '1' && head[i + 1] == ' ') i += 2;
            LineTimestamp.ParseLeading(head[i..], referenceMs, zone, out var sent);
            return (FromSyslogSeverity(severity), sent);
        }
        if (Glog(head[i..], referenceMs, zone, out var glogLevel, out var glogAt)) return (glogLevel, glogAt);

        i += LineTimestamp.ParseLeading(head[i..], referenceMs, zone, out var at);
        for (var t = 0; t < MaxTokens; t++)
        {
            i = SkipSpaces(head, i);
            if (i >= head.Length) break;
            var space = head[i..].IndexOf((byte)' ');
            var end = space < 0 ? head.Length : i + space;
            var level = TokenLevel(head, i, end);
            if (level != LineLevel.Unknown) return (level, at);
            i = end;
        }
        return (LineLevel.Unknown, at);
    }

    /// <summary>The level one token names: <c>ERROR</c>, <c>[warn]</c>, <c>[INFO ]</c>, <c>&lt;dbg&gt;</c>, <c>fail:</c>, <c>|INFO|</c>, <c>level=warn</c>.</summary>
    private static LineLevel TokenLevel(ReadOnlySpan<byte> head, int start, int end)
    {
        var token = head[start..end];
        var open = token[0] is (byte)'[' or (byte)'<' or (byte)'(' or (byte)'|' ? token[0] : (byte)0;
        var j = open == 0 ? 0 : 1;
        var wordStart = j;
        while (j < token.Length && IsLetter(token[j])) j++;
        var word = token[wordStart..j];
        if (word.Length is >= 3 and <= 13)
        {
            bool marked;
            if (open != 0)
            {
                // "[INFO ]": padded inside its brackets.
                var k = start + j;
                while (k < head.Length && head[k] == ' ') k++;
                marked = k < head.Length && head[k] == Closer(open);
            }
            else
            {
                marked = j < token.Length && token[j] == ':';
            }
            var bare = open == 0 && j == token.Length;
            if ((marked || (bare && IsUpper(word))) && FromName(word) is var level and not LineLevel.Unknown) return level;
        }
        var equals = token.IndexOf((byte)'=');
        if (equals > 0 && FieldNames.IsLevel(token[..equals]))
        {
            var value = token[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            return FromName(value);
        }
        return LineLevel.Unknown;
    }

    /// <summary>glog/klog: <c>E1202 15:04:05.123456 …</c> (I, W, E, F, then month and day).</summary>
    private static bool Glog(ReadOnlySpan<byte> s, long referenceMs, TimeZoneInfo zone, out LineLevel level, out long at)
    {
        level = LineLevel.Unknown;
        at = 0;
        if (s.Length < 14 || s[5] != ' ') return false;
        for (var k = 1; k < 5; k++) if (!IsDigit(s[k])) return false;
        level = s[0] switch
        {
            (byte)'I' => LineLevel.Info,
            (byte)'W' => LineLevel.Warn,
            (byte)'E' => LineLevel.Error,
            (byte)'F' => LineLevel.Fatal,
            _ => LineLevel.Unknown,
        };
        if (level == LineLevel.Unknown || LineTimestamp.TimeOfDay(s[6..], secondsRequired: true, out var ticks) == 0)
        {
            level = LineLevel.Unknown;
            return false;
        }
        var month = (s[1] - '0') * 10 + (s[2] - '0');
        var day = (s[3] - '0') * 10 + (s[4] - '0');
        at = month is >= 1 and <= 12 && day is >= 1 and <= 31 ? LineTimestamp.FromMonthDay(month, day, ticks, referenceMs, zone) : 0;
        return true;
    }

    /// <summary>A syslog priority <c>&lt;0&gt;</c>–<c>&lt;191&gt;</c>; its low three bits are the severity.</summary>
    private static bool Priority(ReadOnlySpan<byte> s, out int severity, out int used)
    {
        severity = 0;
        used = 0;
        if (s.Length < 3 || s[0] != '<') return false;
        var value = 0;
        var k = 1;
        while (k < s.Length && k <= 3 && IsDigit(s[k])) value = value * 10 + (s[k++] - '0');
        if (k == 1 || k >= s.Length || s[k] != '>' || value > 191) return false;
        severity = value & 7;
        used = k + 1;
        return true;
    }

    private static byte Closer(byte open) => open switch
    {
        (byte)'[' => (byte)']',
        (byte)'<' => (byte)'>',
        (byte)'(' => (byte)')',
        _ => (byte)'|',
    };

    private static int SkipSpaces(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t') i++;
        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsUpper(ReadOnlySpan<byte> word)
    {
        foreach (var b in word) if ((uint)(b - 'A') > 'Z' - 'A') return false;
        return true;
    }
}
