namespace TailHub.Sources.Jenkins;

/// <summary>
/// Removes Jenkins' hidden console notes, <c>ESC[8mha:&lt;base64&gt;ESC[0m</c>, which 2.509+ leaves in
/// <c>progressiveText</c> bodies but <c>consoleText</c> never shows. Works on bytes: a note is ASCII and never
/// holds CR or LF, so it never straddles a line end. Anything that is not a well-formed note is kept.
/// </summary>
public static class ConsoleNoteStripper
{
    private static ReadOnlySpan<byte> Preamble => "\x1b[8mha:"u8;
    private static ReadOnlySpan<byte> Postamble => "\x1b[0m"u8;

    /// <summary>Appends <paramref name="input"/> without its notes to <paramref name="output"/>.</summary>
    public static void Strip(ReadOnlySpan<byte> input, List<byte> output)
    {
        while (true)
        {
            var at = input.IndexOf(Preamble);
            if (at < 0) break;
            var noteEnd = EndOfNote(input[(at + Preamble.Length)..]);
            if (noteEnd < 0)
            {
                // Not a note after all: keep the ESC and look again just past it.
                output.AddRange(input[..(at + 1)]);
                input = input[(at + 1)..];
                continue;
            }
            output.AddRange(input[..at]);
            input = input[(at + Preamble.Length + noteEnd)..];
        }
        output.AddRange(input);
    }

    /// <summary>Length of base64 plus postamble at the start of <paramref name="rest"/>, or -1 if it is not a note.</summary>
    private static int EndOfNote(ReadOnlySpan<byte> rest)
    {
        var i = 0;
        while (i < rest.Length && IsBase64(rest[i])) i++;
        return rest[i..].StartsWith(Postamble) ? i + Postamble.Length : -1;
    }

    private static bool IsBase64(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' or (byte)'=';
}
