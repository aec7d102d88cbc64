using System.Text;
using Microsoft.Win32.SafeHandles;

namespace TailHub.Pipeline.Redaction;

/// <summary>
/// When reading starts in the middle of a file (the last lines of an existing file at start-up), the lines before
/// the start are never seen, so a private key block they opened would go unnoticed. This looks back a bounded
/// distance for a <c>-----BEGIN … PRIVATE KEY-----</c> with no END after it, and starts inside the block if so.
/// </summary>
public static class PrivateKeyLookBehind
{
    /// <summary>More than any PEM private key (an 8192-bit RSA key is about 6.5 KB).</summary>
    private const int LookBehindBytes = 16 * 1024;

    private static readonly byte[] Begin = "-----BEGIN "u8.ToArray();
    private static readonly byte[] PrivateKeyMarker = "PRIVATE KEY"u8.ToArray();
    private static readonly byte[] End = "-----END "u8.ToArray();

    public static RedactionState StateBefore(SafeFileHandle handle, long offset)
    {
        if (offset <= 0) return RedactionState.Start;
        var from = Math.Max(0, offset - LookBehindBytes);
        var buffer = new byte[offset - from];
        int read;
        try
        {
            read = RandomAccess.Read(handle, buffer, from);
        }
        catch (IOException)
        {
            return RedactionState.Start;
        }
        var window = buffer.AsSpan(0, read);

        var lastEnd = LastLineWith(window, End);
        var lastBegin = LastLineWith(window, Begin);
        if (lastBegin < 0 || lastBegin < lastEnd) return RedactionState.Start;
        var lineEnd = window[lastBegin..].IndexOf((byte)'\n');
        if (lineEnd < 0) return RedactionState.Start;
        var beginLine = window.Slice(lastBegin, lineEnd);
        if (beginLine.IndexOf(PrivateKeyMarker) < 0) return RedactionState.Start;
        // A whole key on the BEGIN line itself (escaped newlines) closes there.
        if (beginLine.IndexOf(End) >= 0) return RedactionState.Start;
        var linesInside = window[(lastBegin + lineEnd + 1)..].Count((byte)'\n');
        return new RedactionState(InPrivateKey: true, PrivateKeyLines: linesInside);
    }

    /// <summary>The start of the last line containing <paramref name="marker"/>, or -1.</summary>
    private static int LastLineWith(ReadOnlySpan<byte> window, ReadOnlySpan<byte> marker)
    {
        var at = window.LastIndexOf(marker);
        if (at < 0) return -1;
        return window[..at].LastIndexOf((byte)'\n') + 1;
    }
}
