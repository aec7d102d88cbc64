using System.Buffers;
using System.Text;
using System.Text.Unicode;
using TailHub.Pipeline.Redaction;

namespace TailHub.Pipeline.Spool;

/// <summary>
/// Recognises whole lines that framing and masking would leave byte for byte as they are, so a flood of output can be
/// spooled as it came and numbered as one <see cref="LineRun"/> instead of becoming one object per line (as a file's
/// bulk catch-up does). Whoever later asks for those lines reads them back from the spool, as they would any other.
/// </summary>
public static class VerbatimLines
{
    /// <summary>
    /// How many lines <paramref name="lines"/> (whole lines, the last ending in <c>\n</c>) holds when each is already
    /// what the spool would keep: valid UTF-8, no <c>\r</c>, none longer than <paramref name="maxLineBytes"/>, nothing
    /// to mask; -1 otherwise.
    /// </summary>
    public static int Count(ReadOnlySpan<byte> lines, int maxLineBytes, LineRedactor redactor)
    {
        if (lines.IsEmpty || lines[^1] != (byte)'\n' || lines.Contains((byte)'\r') || !Utf8.IsValid(lines)) return -1;
        var count = 0;
        var rest = lines;
        var masks = redactor.Enabled;
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf((byte)'\n');
            if (newline > maxLineBytes || (masks && LineRedactor.IsPemBodyLine(rest[..newline]))) return -1;
            count++;
            rest = rest[(newline + 1)..];
        }
        if (!masks) return count;
        var chars = ArrayPool<char>.Shared.Rent(lines.Length);
        try
        {
            var length = Encoding.UTF8.GetChars(lines, chars);
            return redactor.MayMatchAnyRule(chars.AsSpan(0, length)) ? -1 : count;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
