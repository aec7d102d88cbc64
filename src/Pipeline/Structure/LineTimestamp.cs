namespace TailHub.Pipeline.Structure;

/// <summary>
/// The time a line states, as loggers write it, read from bytes without allocating: ISO 8601 / RFC 3339
/// (<c>2024-01-02T15:04:05.123Z</c>, <c>2024-01-02 15:04:05,123</c>, nginx's <c>2024/01/02 15:04:05</c>), syslog's
/// <c>Jan  2 15:04:05</c>, and Unix epoch numbers (seconds, milliseconds, microseconds or nanoseconds, told apart by
/// size). A time without an offset is in the given zone (the host's: a log written on this machine). A year-less
/// syslog date takes the year that puts it at most two days after the reference time (when the line was read), so
/// December's lines read in January are last year's. A time of day alone names no day: it is recognised (so what
/// follows it can be read) but gives no time.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
internal static class LineTimestamp
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly long LatestMs = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>
    /// A timestamp at the very start of <paramref name="s"/>, possibly in brackets. Returns how many bytes it takes (0
    /// when there is none); <paramref name="unixMs"/> is 0 for a time of day alone.
    /// </summary>
    public static int ParseLeading(ReadOnlySpan<byte> s, long referenceMs, TimeZoneInfo zone, out long unixMs)
    {
        unixMs = 0;
        if (s.IsEmpty) return 0;
        if (s[0] == '[')
        {
            var inner = ParseUnbracketed(s[1..], referenceMs, zone, out unixMs);
            if (inner > 0 && inner + 1 < s.Length && s[inner + 1] == ']') return inner + 2;
            unixMs = 0;
            return 0;
        }
        return ParseUnbracketed(s, referenceMs, zone, out unixMs);
    }

    /// <summary>A whole value (a JSON string, a logfmt value) that is a date and time or an epoch number.</summary>
    public static bool TryParseValue(ReadOnlySpan<byte> s, TimeZoneInfo zone, out long unixMs)
    {
        unixMs = 0;
        if (s.IsEmpty) return false;
        if (IsoDateTime(s, zone, out unixMs) == s.Length && unixMs != 0) return true;
        return System.Buffers.Text.Utf8Parser.TryParse(s, out double number, out var used) && used == s.Length && TryFromEpoch(number, out unixMs);
    }

    /// <summary>An epoch number: seconds below 10¹¹, milliseconds below 10¹⁴, microseconds below 10¹⁷, else nanoseconds.</summary>
    public static bool TryFromEpoch(double value, out long unixMs)
    {
        unixMs = 0;
        if (!(value > 0)) return false;
        var ms = value < 1e11 ? value * 1000 : value < 1e14 ? value : value < 1e17 ? value / 1000 : value / 1e6;
        if (ms > LatestMs) return false;
        unixMs = (long)ms;
        return unixMs > 0;
    }

    /// <summary>
    /// A month and day without a year (syslog, glog) and a time of day in ticks: the year is the one that puts it at most
    /// two days after <paramref name="referenceMs"/>.
    /// </summary>
    public static long FromMonthDay(int month, int day, long timeOfDayTicks, long referenceMs, TimeZoneInfo zone)
    {
        var reference = DateTimeOffset.FromUnixTimeMilliseconds(referenceMs).UtcDateTime;
        var year = reference.Year;
        var ms = Compose(year, month, day, timeOfDayTicks, null, zone);
        if (ms > referenceMs + 2 * 86_400_000L) ms = Compose(year - 1, month, day, timeOfDayTicks, null, zone);
        return ms;
    }

    /// <summary>A time of day, <c>hh:mm:ss</c> with an optional fraction; returns the bytes it takes, 0 when it is not one.</summary>
    public static int TimeOfDay(ReadOnlySpan<byte> s, bool secondsRequired, out long ticks)
    {
        ticks = 0;
        if (s.Length < 5 || !TwoDigits(s, 0, out var h) || s[2] != ':' || !TwoDigits(s, 3, out var m)) return 0;
        var i = 5;
        var sec = 0;
        if (s.Length >= 8 && s[5] == ':' && TwoDigits(s, 6, out sec)) i = 8;
        else if (secondsRequired) return 0;
        if (h > 23 || m > 59 || sec > 60) return 0;
        long fraction = 0;
        if (i == 8 && i + 1 < s.Length && (s[i] == '.' || s[i] == ',') && IsDigit(s[i + 1]))
        {
            i++;
            var scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && IsDigit(s[i]))
            {
                fraction += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }
        }
        if (i < s.Length && IsDigit(s[i])) return 0;
        ticks = h * TimeSpan.TicksPerHour + m * TimeSpan.TicksPerMinute + Math.Min(sec, 59) * TimeSpan.TicksPerSecond + fraction;
        return i;
    }

    private static int ParseUnbracketed(ReadOnlySpan<byte> s, long referenceMs, TimeZoneInfo zone, out long unixMs)
    {
        unixMs = 0;
        if (s.IsEmpty) return 0;
        if (IsDigit(s[0]))
        {
            var taken = IsoDateTime(s, zone, out unixMs);
            if (taken > 0) return taken;
            return TimeOfDay(s, secondsRequired: true, out _);
        }
        return s[0] is >= (byte)'A' and <= (byte)'Z' ? Syslog(s, referenceMs, zone, out unixMs) : 0;
    }

    /// <summary><c>YYYY-MM-DD[T ]hh:mm[:ss[.f]][Z|±hh[:mm]]</c> (or with <c>/</c> in the date); 0 when it is not one.</summary>
    private static int IsoDateTime(ReadOnlySpan<byte> s, TimeZoneInfo zone, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 16 || !FourDigits(s, 0, out var year)) return 0;
        var separator = s[4];
        if (separator is not ((byte)'-' or (byte)'/') || s[7] != separator) return 0;
        if (!TwoDigits(s, 5, out var month) || !TwoDigits(s, 8, out var day)) return 0;
        if (s[10] is not ((byte)'T' or (byte)' ')) return 0;
        var clock = TimeOfDay(s[11..], secondsRequired: false, out var ticks);
        if (clock == 0) return 0;
        var i = 11 + clock;
        TimeSpan? offset = null;
        if (i < s.Length && s[i] == 'Z')
        {
            offset = TimeSpan.Zero;
            i++;
        }
        else if (i < s.Length && Offset(s[i..], out var parsed, out var used))
        {
            offset = parsed;
            i += used;
        }
        else if (i + 1 < s.Length && s[i] == ' ' && Offset(s[(i + 1)..], out parsed, out used) && used == 5)
        {
            // "2024-01-02 15:04:05 +0100": only the four-digit form, so "- name -" after a time is never an offset.
            offset = parsed;
            i += 1 + used;
        }
        var ms = Compose(year, month, day, ticks, offset, zone);
        if (ms == 0) return 0;
        unixMs = ms;
        return i;
    }

    /// <summary><c>Mmm dd hh:mm:ss</c> (day space-padded), the year inferred.</summary>
    private static int Syslog(ReadOnlySpan<byte> s, long referenceMs, TimeZoneInfo zone, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 15 || s[3] != ' ') return 0;
        var month = Month(s[..3]);
        if (month == 0) return 0;
        int day;
        if (s[4] == ' ' && IsDigit(s[5])) day = s[5] - '0';
        else if (!TwoDigits(s, 4, out day)) return 0;
        if (s[6] != ' ') return 0;
        var clock = TimeOfDay(s[7..], secondsRequired: true, out var ticks);
        if (clock == 0 || day < 1 || day > 31) return 0;
        unixMs = FromMonthDay(month, day, ticks, referenceMs, zone);
        return unixMs == 0 ? 0 : 7 + clock;
    }

    private static int Month(ReadOnlySpan<byte> name) => name switch
    {
        [(byte)'J', (byte)'a', (byte)'n'] => 1,
        [(byte)'F', (byte)'e', (byte)'b'] => 2,
        [(byte)'M', (byte)'a', (byte)'r'] => 3,
        [(byte)'A', (byte)'p', (byte)'r'] => 4,
        [(byte)'M', (byte)'a', (byte)'y'] => 5,
        [(byte)'J', (byte)'u', (byte)'n'] => 6,
        [(byte)'J', (byte)'u', (byte)'l'] => 7,
        [(byte)'A', (byte)'u', (byte)'g'] => 8,
        [(byte)'S', (byte)'e', (byte)'p'] => 9,
        [(byte)'O', (byte)'c', (byte)'t'] => 10,
        [(byte)'N', (byte)'o', (byte)'v'] => 11,
        [(byte)'D', (byte)'e', (byte)'c'] => 12,
        _ => 0,
    };

    /// <summary><c>±hh:mm</c>, <c>±hhmm</c> or <c>±hh</c>.</summary>
    private static bool Offset(ReadOnlySpan<byte> s, out TimeSpan offset, out int used)
    {
        offset = default;
        used = 0;
        if (s.Length < 3 || s[0] is not ((byte)'+' or (byte)'-') || !TwoDigits(s, 1, out var hours)) return false;
        var minutes = 0;
        used = 3;
        if (s.Length >= 6 && s[3] == ':' && TwoDigits(s, 4, out minutes)) used = 6;
        else if (s.Length >= 5 && TwoDigits(s, 3, out minutes)) used = 5;
        if (used < s.Length && IsDigit(s[used])) return false;
        if (hours > 14 || minutes > 59) return false;
        offset = new TimeSpan(hours, minutes, 0);
        if (s[0] == '-') offset = -offset;
        return true;
    }

    /// <summary>Unix milliseconds, or 0 when the parts do not make a date.</summary>
    private static long Compose(int year, int month, int day, long timeOfDayTicks, TimeSpan? offset, TimeZoneInfo zone)
    {
        if (year is < 1970 or > 2199 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return 0;
        var local = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).AddTicks(timeOfDayTicks);
        var utcTicks = local.Ticks - (offset ?? zone.GetUtcOffset(local)).Ticks;
        return (utcTicks - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TwoDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 2 > s.Length || !IsDigit(s[at]) || !IsDigit(s[at + 1])) return false;
        value = (s[at] - '0') * 10 + (s[at + 1] - '0');
        return true;
    }

    private static bool FourDigits(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (!TwoDigits(s, at, out var high) || !TwoDigits(s, at + 2, out var low)) return false;
        value = high * 100 + low;
        return true;
    }
}
