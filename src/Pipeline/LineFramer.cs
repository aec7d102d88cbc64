using TailHub.Pipeline.Redaction;

namespace TailHub.Pipeline;

/// <summary>
/// The one place bytes become lines: cut at <c>\n</c> or <c>\r\n</c>, invalid UTF-8 repaired, long lines cut and
/// marked (<see cref="LineSplitter"/>), then masked (<see cref="LineRedactor"/>) with the masking state carried from
/// line to line. Every source's live bytes and every read-back go through a framer, so a line read back is the line
/// that was published.
/// </summary>
/// <remarks>
/// A framer belongs to one byte stream (one file, one upload, one run's output) and is used by one loop at a time.
/// Bytes a spool already holds were masked before they were written: a framer over a <see cref="FileRef.Spooled"/>
/// file does not mask them again.
/// </remarks>
public sealed class LineFramer
{
    private readonly LineSplitter _splitter;
    private readonly LineRedactor _redactor;
    private readonly List<SplitLine> _split = [];
    private readonly LineStream _stream;

    /// <param name="stream">Which output of a process the bytes are (a run's standard error is tagged on its lines).</param>
    public LineFramer(int maxLineBytes, LineRedactor redactor, FileRef? file, long offset = 0, RedactionState redaction = default, LineStream stream = LineStream.Stdout)
    {
        // A spool's lines say themselves which stream they came from (Spool.StreamTag).
        _splitter = new LineSplitter(maxLineBytes, offset, readsStreamTags: file?.Spooled == true);
        _redactor = file?.Spooled == true ? LineRedactor.None : redactor;
        _stream = stream;
        File = file;
        Redaction = redaction;
    }

    /// <summary>The output stream the lines of this framer belong to, unless a spool's tag says otherwise.</summary>
    public LineStream Stream => _stream;

    /// <summary>Where the bytes are, for reading lines back; null when they are kept nowhere.</summary>
    public FileRef? File { get; private set; }

    /// <summary>Masking state before the next line (a private key block spans lines).</summary>
    public RedactionState Redaction { get; set; }

    /// <summary>Offset just after the last byte pushed.</summary>
    public long Position => _splitter.Position;

    /// <summary>Offset of the first byte not yet part of a line given out (the start of a held partial line).</summary>
    public long CommittedOffset => _splitter.CommittedOffset;

    public bool HasPartialLine => _splitter.HasPartialLine;

    /// <summary>Whether this framer masks (false for a spool, whose bytes were masked on the way in).</summary>
    public bool Masks => _redactor.Enabled;

    public LineRedactor Redactor => _redactor;

    /// <summary>
    /// Cuts <paramref name="bytes"/> (which follow the previous ones) into lines and adds each complete one, masked,
    /// to <paramref name="output"/>; returns how many.
    /// </summary>
    public int Push(ReadOnlySpan<byte> bytes, long timestampMs, long readTimestamp, List<SourceRecord> output)
    {
        _splitter.Push(bytes, _split);
        return Take(timestampMs, readTimestamp, output);
    }

    /// <summary>Gives out a held partial line as a whole line: its stream can no longer grow.</summary>
    public bool FlushPartial(long timestampMs, long readTimestamp, List<SourceRecord> output)
    {
        if (!_splitter.FlushPartial(_split)) return false;
        Take(timestampMs, readTimestamp, output);
        return true;
    }

    /// <summary>
    /// Starts over at <paramref name="offset"/> with nothing held (a truncation, a bulk count that skipped ahead);
    /// with <paramref name="file"/>, the bytes are now another file's (a truncated file's new content).
    /// </summary>
    public void Reset(long offset, RedactionState redaction = default, FileRef? file = null)
    {
        _splitter.Reset(offset);
        Redaction = redaction;
        if (file is not null) File = file;
    }

    /// <summary>The same stream under a new name (a rename inside a glob source).</summary>
    public void Renamed(string newPath)
    {
        if (File is { } file) File = file with { Path = newPath };
    }

    private int Take(long timestampMs, long readTimestamp, List<SourceRecord> output)
    {
        var count = _split.Count;
        if (count == 0) return 0;
        var state = Redaction;
        foreach (var line in _split)
        {
            var before = state;
            var utf8 = _redactor.Redact(line.Utf8, ref state);
            output.Add(new LogLine(utf8, File, line.Start, line.End, timestampMs)
            {
                RedactionBefore = before, ReadTimestamp = readTimestamp, Stream = line.Stderr ? LineStream.Stderr : _stream,
            });
        }
        Redaction = state;
        _split.Clear();
        return count;
    }
}
