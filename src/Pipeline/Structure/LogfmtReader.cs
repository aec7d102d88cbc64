using System.Text;

namespace TailHub.Pipeline.Structure;

/// <summary>One pair of a logfmt line: <c>key=value</c>, <c>key="quoted value"</c> (<see cref="Value"/> still escaped), or a bare <c>key</c>.</summary>
public readonly ref struct LogfmtPair(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool hasValue, bool quoted)
{
    public ReadOnlySpan<byte> Key { get; } = key;
    public ReadOnlySpan<byte> Value { get; } = value;
    public bool HasValue { get; } = hasValue;
    public bool Quoted { get; } = quoted;

    /// <summary>The value as text, its escapes (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\t</c>) undone.</summary>
    public string Text() => Quoted ? LogfmtReader.Unquote(Value) : Encoding.UTF8.GetString(Value);
}

/// <summary>
/// Reads logfmt (<c>time=2024-01-02T15:04:05Z level=warn msg="disk almost full" free=3%</c>, as Go's slog, go-kit,
/// logrus and Heroku write it) pair by pair, from bytes, with vectorised searches. A key is any run of bytes above
/// space other than <c>=</c> and <c>"</c>; <see cref="Malformed"/> says the rest of the line is not logfmt (an
/// unterminated quote, a quote inside a bare value).
/// </summary>
public ref struct LogfmtReader(ReadOnlySpan<byte> line)
{
    private static readonly System.Buffers.SearchValues<byte> KeyEnd = System.Buffers.SearchValues.Create(" \t=\""u8);
    private static readonly System.Buffers.SearchValues<byte> QuotedValueEnd = System.Buffers.SearchValues.Create("\"\\"u8);

    private readonly ReadOnlySpan<byte> _line = line;
    private int _at;

    public bool Malformed { get; private set; }

    /// <summary>Whether <paramref name="line"/> begins as logfmt does: a key, then <c>=</c>.</summary>
    public static bool StartsLikeLogfmt(ReadOnlySpan<byte> line)
    {
        var end = line.IndexOfAny(KeyEnd);
        return end > 0 && line[end] == '=' && line[0] > ' ';
    }

    /// <summary>The next pair; false at the end of the line, or when it stops being logfmt (<see cref="Malformed"/>).</summary>
    /// <remarks>Keys and bare values are a few bytes long: plain loops beat vectorised searches, whose set-up they would pay per pair.</remarks>
    public bool Next(out LogfmtPair pair)
    {
        pair = default;
        var line = _line;
        var at = _at;
        while (at < line.Length && line[at] is (byte)' ' or (byte)'\t') at++;
        if (at >= line.Length)
        {
            _at = at;
            return false;
        }
        var start = at;
        while (at < line.Length && line[at] is var k && k != '=' && k != '"' && k != ' ' && k != '\t')
        {
            // Control bytes never appear in keys (a terminal escape sequence means this is not logfmt).
            if (k < 0x20 || k == 0x7F) return Fail();
            at++;
        }
        _at = at;
        if (at == start) return Fail();
        var key = line[start..at];
        if (at >= line.Length || line[at] is (byte)' ' or (byte)'\t')
        {
            pair = new LogfmtPair(key, [], hasValue: false, quoted: false);
            return true;
        }
        if (line[at] != '=') return Fail();
        at++;
        if (at < line.Length && line[at] == '"')
        {
            var valueStart = ++at;
            while (true)
            {
                var stop = at < line.Length ? line[at..].IndexOfAny(QuotedValueEnd) : -1;
                if (stop < 0) return Fail();
                at += stop;
                if (line[at] == '"') break;
                at += 2; // a backslash and the byte it escapes
            }
            var value = line[valueStart..at];
            at++;
            _at = at;
            if (at < line.Length && line[at] is not ((byte)' ' or (byte)'\t')) return Fail();
            pair = new LogfmtPair(key, value, hasValue: true, quoted: true);
            return true;
        }
        var bareStart = at;
        while (at < line.Length && line[at] is var v && v != ' ' && v != '\t' && v != '"') at++;
        _at = at;
        if (at < line.Length && line[at] == '"') return Fail();
        pair = new LogfmtPair(key, line[bareStart..at], hasValue: true, quoted: false);
        return true;
    }

    private bool Fail()
    {
        Malformed = true;
        _at = _line.Length;
        return false;
    }

    /// <summary>The text of a quoted value, escapes undone.</summary>
    public static string Unquote(ReadOnlySpan<byte> escaped)
    {
        if (!escaped.Contains((byte)'\\')) return Encoding.UTF8.GetString(escaped);
        var bytes = new byte[escaped.Length];
        var n = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            var b = escaped[i];
            if (b == '\\' && i + 1 < escaped.Length)
            {
                b = escaped[++i] switch
                {
                    (byte)'n' => (byte)'\n',
                    (byte)'t' => (byte)'\t',
                    (byte)'r' => (byte)'\r',
                    var other => other,
                };
            }
            bytes[n++] = b;
        }
        return Encoding.UTF8.GetString(bytes, 0, n);
    }
}
