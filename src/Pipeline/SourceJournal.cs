using TailHub.Pipeline.Redaction;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>
/// Where each of a source's records came from, compactly: a run of consecutive lines of one file is one segment
/// (first sequence number, file, start offset), and a notice is kept as itself. This is what makes a sequence number
/// a cursor into the files: records that have left the in-memory backlog are read back from disk, and only where the
/// bytes are truly gone (file rotated away, truncated, or older than the journal) does a viewer get a gap.
/// </summary>
/// <remarks>
/// A file is found again by the <see cref="FileLocator"/>: by its identity at the path it was read from, under any
/// name in the same directory after a rename rotation (<c>app.log.1</c>), or among the source's <c>RotatedFiles</c>
/// (<c>olddir</c>); once its identity is gone, by the fingerprint of its first bytes, in a gzip file (logrotate's
/// <c>compress</c>) read decompressed, or in a copytruncate copy for the lines from before the truncation. A deleted
/// file is gone. Read-back lines are split exactly as the live path split them, so they are the same lines with the
/// same sequence numbers; they are masked by the same <see cref="LineRedactor"/>, from the masking state recorded
/// with the segment's first line, so a secret masked live is masked on resume too.
/// </remarks>
public sealed class SourceJournal(int maxEntries, int maxLineBytes, LineRedactor? redactor = null, FileLocator? locator = null)
{
    private sealed record Entry(long FirstSeq, long TimestampMs, FileRef? File, long Start, SourceNotice? Notice, RedactionState Redaction = default);

    // Reading a line back means reading its segment from the segment's start: this bounds that read.
    private const long MaxSegmentBytes = 1024 * 1024;

    private readonly LineRedactor _redactor = redactor ?? LineRedactor.None;
    private readonly FileLocator _locator = locator ?? new FileLocator();

    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<FileIdentity, long> _truncatedBefore = [];
    private readonly Lock _lock = new();
    private readonly int _maxEntries = Math.Max(16, maxEntries);
    private long _lastSeq;
    private FileRef? _lastFile;
    private long _lastEnd = -1;

    /// <summary>Called by the pipeline loop for every record, in sequence order.</summary>
    public void Add(SourceRecord record)
    {
        lock (_lock)
        {
            _lastSeq = record.LastSeq;
            switch (record)
            {
                case LogLine line:
                    AddLines(line.Seq, line.TimestampMs, line.File, line.Start, line.End, line.RedactionBefore);
                    break;
                case LineRun run:
                    AddLines(run.Seq, run.TimestampMs, run.File, run.Start, run.End, RedactionState.Start);
                    break;
                case SourceNotice notice:
                    if (notice.Kind == NoticeKind.Truncated && notice.Identity is { } id) _truncatedBefore[id] = notice.Seq;
                    Append(new Entry(notice.Seq, notice.TimestampMs, null, 0, notice));
                    _lastFile = null;
                    _lastEnd = -1;
                    break;
            }
        }
    }

    /// <summary>Lines that continue the last segment extend it, up to <see cref="MaxSegmentBytes"/>.</summary>
    private void AddLines(long firstSeq, long timestampMs, FileRef file, long start, long end, RedactionState before)
    {
        if (ReferenceEquals(file, _lastFile) && start == _lastEnd && _entries.Last?.Value is { Notice: null } last && end - last.Start <= MaxSegmentBytes)
        {
            _lastEnd = end;
            return;
        }
        Append(new Entry(firstSeq, timestampMs, file, start, null, before));
        _lastFile = file;
        _lastEnd = end;
    }

    private void Append(Entry entry)
    {
        _entries.AddLast(entry);
        while (_entries.Count > _maxEntries) _entries.RemoveFirst();
    }

    /// <summary>
    /// Records <paramref name="fromSeq"/> to <paramref name="toSeq"/> as they were, read back from the files,
    /// with <see cref="SequenceGap"/>s where they cannot be.
    /// </summary>
    public List<SourceRecord> Replay(long fromSeq, long toSeq, long nowMs)
    {
        var output = new List<SourceRecord>();
        if (fromSeq > toSeq) return output;
        List<(Entry Entry, long LastSeq)> segments;
        Dictionary<FileIdentity, long> truncated;
        lock (_lock)
        {
            segments = [];
            var node = _entries.First;
            while (node is not null)
            {
                var last = node.Next?.Value.FirstSeq - 1 ?? _lastSeq;
                if (last >= fromSeq && node.Value.FirstSeq <= toSeq) segments.Add((node.Value, last));
                node = node.Next;
            }
            truncated = new Dictionary<FileIdentity, long>(_truncatedBefore);
            var oldest = _entries.First?.Value.FirstSeq ?? _lastSeq + 1;
            if (fromSeq < oldest) output.Add(new SequenceGap(fromSeq, Math.Min(toSeq, oldest - 1), GapReason.Expired, nowMs));
        }

        // One open file per file journalled: consecutive segments of a compressed file continue one decompression.
        var opened = new Dictionary<(FileRef, bool), ReadBackFile?>();
        try
        {
            foreach (var (entry, lastSeq) in segments)
            {
                var first = Math.Max(fromSeq, entry.FirstSeq);
                var last = Math.Min(toSeq, lastSeq);
                if (entry.Notice is { } notice)
                {
                    output.Add(notice);
                    continue;
                }
                var file = entry.File!;
                // After a truncation the file holds other content; a copy made before it (copytruncate) may hold these lines.
                var replaced = truncated.TryGetValue(file.Identity, out var truncatedAt) && truncatedAt > entry.FirstSeq;
                if (!opened.TryGetValue((file, replaced), out var source))
                {
                    source = _locator.OpenForReadBack(file, replaced);
                    opened[(file, replaced)] = source;
                }
                var read = source is null ? first - 1 : ReadLines(source, file, entry.Start, entry.FirstSeq, first, last, entry.TimestampMs, entry.Redaction, output);
                if (read < last) output.Add(new SequenceGap(Math.Max(first, read + 1), last, replaced ? GapReason.Truncated : GapReason.FileGone, nowMs));
            }
        }
        finally
        {
            foreach (var source in opened.Values) source?.Dispose();
        }
        return output;
    }

    /// <summary>Reads the segment's lines from where its file is now; returns the last sequence number produced (or first - 1).</summary>
    private long ReadLines(ReadBackFile source, FileRef file, long start, long firstSeq, long from, long to, long timestampMs, RedactionState redaction, List<SourceRecord> output)
    {
        var produced = from - 1;
        try
        {
            var splitter = new LineSplitter(maxLineBytes, start);
            var lines = new List<SplitLine>();
            var buffer = new byte[64 * 1024];
            var seq = firstSeq;
            var offset = start;
            while (seq <= to)
            {
                var n = source.Read(buffer, offset);
                if (n == 0) splitter.FlushPartial(lines);
                else splitter.Push(buffer.AsSpan(0, n), lines);
                offset += n;
                foreach (var line in lines)
                {
                    // Every line from the segment's start is masked, in order, so the state matches the live path's.
                    var before = redaction;
                    var utf8 = _redactor.Redact(line.Utf8, ref redaction);
                    if (seq >= from && seq <= to)
                    {
                        output.Add(new LogLine(utf8, file, line.Start, line.End, timestampMs) { Seq = seq, RedactionBefore = before });
                        produced = seq;
                    }
                    seq++;
                }
                lines.Clear();
                if (n == 0) break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // What was read stands; the rest is a gap (a compressed file still being written ends early).
        }
        return produced;
    }
}
