namespace TailHub.Pipeline.Structure;

/// <summary>Terminal escape sequences (colours from Jenkins, Maven, test runners), removed where a level is looked for.</summary>
internal static class AnsiCodes
{
    private const byte Escape = 0x1B;

    public static bool Contains(ReadOnlySpan<byte> s) => s.Contains(Escape);

    /// <summary>
    /// Copies <paramref name="s"/> into <paramref name="output"/> without its escape sequences (CSI <c>ESC [ … final</c>,
    /// OSC <c>ESC ] … BEL</c> or <c>ESC \</c>, and two-byte <c>ESC x</c>), as far as <paramref name="output"/> holds;
    /// returns the bytes written.
    /// </summary>
    public static int Strip(ReadOnlySpan<byte> s, Span<byte> output)
    {
        var written = 0;
        var i = 0;
        while (i < s.Length && written < output.Length)
        {
            var b = s[i];
            if (b != Escape)
            {
                output[written++] = b;
                i++;
                continue;
            }
            i++;
            if (i >= s.Length) break;
            var kind = s[i++];
            if (kind == '[')
            {
                // Parameters and intermediates, then one final byte in @–~.
                while (i < s.Length && s[i] is < 0x40 or > 0x7E) i++;
                i++;
            }
            else if (kind == ']')
            {
                while (i < s.Length && s[i] != 0x07 && !(s[i] == Escape && i + 1 < s.Length && s[i + 1] == '\\')) i++;
                i += i < s.Length && s[i] == 0x07 ? 1 : 2;
            }
        }
        return written;
    }
}
