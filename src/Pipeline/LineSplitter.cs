using System.Text;
using System.Text.Unicode;

namespace TailHub.Pipeline;

/// <summary>
/// A complete line: its text as valid UTF-8 (no terminator) and the byte range it covered in the file;
/// <see cref="Stderr"/> and <see cref="Level"/> when it was read from a spool and carried those <see cref="Spool.StreamTag"/>s.
/// </summary>
public readonly record struct SplitLine(byte[] Utf8, long Start, long End, bool Stderr = false, LineLevel Level = LineLevel.Unknown);

/// <summary>
/// Cuts a byte stream into lines. Bytes stay bytes until a line is complete, so a UTF-8 sequence split across two
/// reads decodes correctly; <c>\n</c> and <c>\r\n</c> end a line; invalid UTF-8 becomes U+FFFD; a line longer than
/// the cap keeps its first <c>maxLineBytes</c> bytes plus a marker, and the rest is counted, not stored.
/// A partial last line is held until its newline arrives or <see cref="FlushPartial"/> is called.
/// </summary>
public sealed class LineSplitter
{
    private readonly int _maxLineBytes;
    private readonly bool _readsStreamTags;
    private byte[] _pending = [];
    private int _pendingLength;
    private long _skipped;      // bytes of the current line beyond the cap
    private long _lineStart;    // file offset where the pending line began
    private long _position;     // file offset just after the last byte pushed

    /// <param name="readsStreamTags">The bytes are a spool's: a line starting with <see cref="Spool.StreamTag.Stderr"/> is a standard error line, one starting with a level tag has that level given; tags are not part of its text.</param>
    public LineSplitter(int maxLineBytes, long startOffset = 0, bool readsStreamTags = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _maxLineBytes = maxLineBytes;
        _readsStreamTags = readsStreamTags;
        Reset(startOffset);
    }

    /// <summary>File offset of the first byte not yet part of an emitted line.</summary>
    public long CommittedOffset => _lineStart;

    /// <summary>File offset just after the last byte pushed.</summary>
    public long Position => _position;

    public bool HasPartialLine => _pendingLength > 0 || _skipped > 0;

    public void Reset(long offset)
    {
        _pendingLength = 0;
        _skipped = 0;
        _lineStart = offset;
        _position = offset;
        if (_pending.Length > 4096) _pending = [];
    }

    /// <summary>Adds bytes that follow the previous ones in the file; every line they complete goes to <paramref name="output"/>.</summary>
    public void Push(ReadOnlySpan<byte> data, List<SplitLine> output)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Hold(data);
                _position += data.Length;
                return;
            }
            var piece = data[..newline];
            _position += newline + 1;
            if (_pendingLength == 0 && _skipped == 0)
            {
                // The common case: the whole line is inside this read.
                Emit(piece, 0, output);
            }
            else
            {
                Hold(piece);
                Emit(_pending.AsSpan(0, _pendingLength), _skipped, output);
            }
            data = data[(newline + 1)..];
        }
    }

    /// <summary>Emits a held partial line as a whole line: used when the file can no longer grow (rotated, truncated, deleted).</summary>
    public bool FlushPartial(List<SplitLine> output)
    {
        if (!HasPartialLine) return false;
        Emit(_pending.AsSpan(0, _pendingLength), _skipped, output, terminated: false);
        return true;
    }

    private void Hold(ReadOnlySpan<byte> data)
    {
        var room = _maxLineBytes - _pendingLength;
        var take = Math.Min(room, data.Length);
        if (take > 0)
        {
            if (_pending.Length < _pendingLength + take)
            {
                var grown = new byte[Math.Min(_maxLineBytes, Math.Max(_pendingLength + take, Math.Max(256, _pending.Length * 2)))];
                _pending.AsSpan(0, _pendingLength).CopyTo(grown);
                _pending = grown;
            }
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
        }
        _skipped += data.Length - take;
    }

    private void Emit(ReadOnlySpan<byte> line, long skipped, List<SplitLine> output, bool terminated = true)
    {
        var stderr = _readsStreamTags && !line.IsEmpty && line[0] == Spool.StreamTag.Stderr;
        if (stderr) line = line[1..];
        var level = _readsStreamTags && !line.IsEmpty ? Spool.StreamTag.LevelOf(line[0]) : LineLevel.Unknown;
        if (level != LineLevel.Unknown) line = line[1..];
        if (line.Length > _maxLineBytes)
        {
            skipped += line.Length - _maxLineBytes;
            line = line[.._maxLineBytes];
        }
        if (skipped == 0 && terminated && !line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        var end = _position;
        output.Add(new SplitLine(Encode(line, skipped), _lineStart, end, stderr, level));
        _lineStart = end;
        _pendingLength = 0;
        _skipped = 0;
    }

    private static byte[] Encode(ReadOnlySpan<byte> line, long skipped)
    {
        if (skipped > 0)
        {
            // Never end a cut line inside a UTF-8 sequence: drop a trailing sequence that is incomplete.
            var lead = line.Length - 1;
            while (lead > 0 && line.Length - lead < 4 && (line[lead] & 0xC0) == 0x80) lead--;
            if (lead >= 0 && line[lead] >= 0xC0)
            {
                var expected = line[lead] >= 0xF0 ? 4 : line[lead] >= 0xE0 ? 3 : 2;
                if (lead + expected > line.Length)
                {
                    skipped += line.Length - lead;
                    line = line[..lead];
                }
            }
        }
        var text = Utf8.IsValid(line) ? line.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line));
        return skipped == 0 ? text : AppendMarker(text, skipped);
    }

    /// <summary>The visible marker appended to a cut line.</summary>
    public static string CutMarker(long skippedBytes) => $" … [line cut: {skippedBytes:N0} more bytes]";

    private static byte[] AppendMarker(byte[] text, long skipped)
    {
        var marker = Encoding.UTF8.GetBytes(CutMarker(skipped));
        var result = new byte[text.Length + marker.Length];
        text.CopyTo(result, 0);
        marker.CopyTo(result, text.Length);
        return result;
    }
}
