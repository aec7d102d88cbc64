namespace TailHub.Sources.Jenkins;

/// <summary>
/// The follow algorithm of jenkins-api.md §1.8, as a pure function from (raw offset, response) to (console bytes
/// to append, next raw offset). Up to 2.508 <c>X-Text-Size</c> is exact. From 2.509 it is the file length, which can
/// be past the body (a pending partial line, the 10,000-terminator cap), so while the log is still growing only
/// complete lines are taken and the offset is counted from them: each body CRLF stood for one raw LF.
/// </summary>
public readonly record struct ProgressiveTextStep(byte[] Console, long Next, bool LogReplaced, bool Complete)
{
    public static ProgressiveTextStep From(long start, ProgressiveTextResponse response)
    {
        var body = response.Body.AsSpan();
        // A missing log file answers size 0 with nothing at all: keep what is on disk rather than treat it as replaced.
        if (response.TextSize == 0 && body.IsEmpty) return new ProgressiveTextStep([], start, false, !response.MoreData);
        // The server silently restarts at 0 when start is past the log: the log was replaced or rolled over.
        var origin = response.TextSize < start ? 0 : start;
        var replaced = origin == 0 && start > 0;

        ReadOnlySpan<byte> committed;
        long next;
        if (!response.Version.HeaderRunsPastBody || !response.MoreData)
        {
            committed = body;
            next = response.TextSize;
        }
        else
        {
            // A trailing partial line (or a character cut by the 2.527 cap) is left for a later poll, which sends it whole.
            var k = body.LastIndexOfAny((byte)'\r', (byte)'\n') + 1;
            committed = body[..k];
            next = origin + k - Count(committed, "\r\n"u8);
        }

        var console = new List<byte>(committed.Length);
        if (response.Version.HeaderRunsPastBody) ConsoleNoteStripper.Strip(committed, console);
        else console.AddRange(committed);
        return new ProgressiveTextStep(UndoCrLf(console), next, replaced, !response.MoreData);
    }

    /// <summary>The server sends every raw LF as CRLF; <c>consoleText</c> shows the LF.</summary>
    private static byte[] UndoCrLf(List<byte> text)
    {
        var output = new byte[text.Count];
        var n = 0;
        for (var i = 0; i < text.Count; i++)
        {
            if (text[i] == (byte)'\r' && i + 1 < text.Count && text[i + 1] == (byte)'\n') continue;
            output[n++] = text[i];
        }
        return n == output.Length ? output : output[..n];
    }

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        int at;
        while ((at = haystack.IndexOf(needle)) >= 0)
        {
            count++;
            haystack = haystack[(at + needle.Length)..];
        }
        return count;
    }
}
