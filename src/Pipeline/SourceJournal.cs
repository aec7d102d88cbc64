using TailHub.Pipeline.Redaction;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>One remembered stretch of a source's sequence: consecutive lines of one file from an offset, or a notice.</summary>
/// <param name="File">The file the lines are in; null for a notice, or for lines kept nowhere (then they cannot be read back).</param>
public sealed record JournalEntry(long FirstSeq, long TimestampMs, FileRef? File, long Start, SourceNotice? Notice, RedactionState Redaction = default);

/// <summary>
/// Where each of a source's records came from, compactly: a run of consecutive lines of one file is one segment
/// (first sequence number, file, start offset), and a notice is kept as itself. This is what makes a sequence number
/// a cursor into the files: records that have left the in-memory backlog are read back from disk, and only where the
/// bytes are truly gone (file rotated away, truncated, or older than the journal) does a viewer get a gap.
/// </summary>
/// <remarks>
/// A tailed file is found again by the <see cref="FileLocator"/>: by its identity at the path it was read from, under
/// any name in the same directory after a rename rotation (<c>app.log.1</c>), or among the source's
/// <c>RotatedFiles</c> (<c>olddir</c>); once its identity is gone, by the fingerprint of its first bytes, in a gzip
/// file (logrotate's <c>compress</c>) read decompressed, or in a copytruncate copy for the lines from before the
/// truncation. A deleted file is gone. A spool is TailHub's own file and stays where it was written.
/// Read-back lines go through a <see cref="LineFramer"/>, as the live lines did, from the masking state recorded with
/// the segment's first line, so they are the same lines, masked and classified the same way, with the same sequence
/// numbers.
/// The journal also remembers how far each file was numbered, which is where a source resumes after a restart; with
/// <c>persist</c> every new segment is also written out as it is made (<see cref="State.JournalLog"/>).
/// </remarks>
public sealed class SourceJournal(int maxEntries, int maxLineBytes, LineRedactor? redactor = null, Action<JournalEntry>? persist = null, FileLocator? locator = null,
    Structure.LineClassifier? classifier = null) : ISourceHistory
{
    private readonly FileLocator _locator = locator ?? new FileLocator();
    // Reading a line back means reading its segment from the segment's start: this bounds that read.
    private const long MaxSegmentBytes = 1024 * 1024;

    // Files whose numbered end is remembered for a restart; the oldest are forgotten beyond this.
    private const int MaxPositions = 4096;

    private readonly LineRedactor _redactor = redactor ?? LineRedactor.None;

    // Oldest first; trimmed from the front. Sequence numbers only grow, so a range is found by binary search.
    private readonly EntryWindow _entries = new();
    private readonly Dictionary<FileIdentity, long> _truncatedBefore = [];
    private readonly Dictionary<FileIdentity, FilePosition> _positions = [];
    private readonly Lock _lock = new();
    private readonly int _maxEntries = Math.Max(16, maxEntries);
    private long _lastSeq;
    private FileRef? _lastFile;
    private long _lastEnd = -1;

    /// <summary>The last sequence number journalled.</summary>
    public long LastSeq
    {
        get { lock (_lock) return _lastSeq; }
    }

    /// <summary>Called by the pipeline loop for every record, in sequence order.</summary>
    public void Add(SourceRecord record)
    {
        lock (_lock)
        {
            _lastSeq = record.LastSeq;
            switch (record)
            {
                case LogLine { File: { } file } line:
                    AddLines(line.Seq, line.TimestampMs, file, line.Start, line.End, line.RedactionBefore);
                    break;
                case LogLine line:
                    ForgetLastFile();
                    Append(new JournalEntry(line.Seq, line.TimestampMs, null, 0, null));
                    break;
                case LineRun run:
                    AddLines(run.Seq, run.TimestampMs, run.File, run.Start, run.End, RedactionState.Start);
                    break;
                case SequenceGap gap:
                    // Nothing to read back: replayed as a gap (a mirror's hub keeps no journal; this keeps the numbers right).
                    ForgetLastFile();
                    Append(new JournalEntry(gap.From, gap.TimestampMs, null, 0, null));
                    break;
                case SourceNotice notice:
                    if (notice.Kind == NoticeKind.Truncated && notice.Identity is { } id) _truncatedBefore[id] = notice.Seq;
                    ForgetLastFile();
                    Append(new JournalEntry(notice.Seq, notice.TimestampMs, null, 0, notice));
                    break;
            }
        }
    }

    /// <summary>Lines that continue the last segment extend it, up to <see cref="MaxSegmentBytes"/>.</summary>
    private void AddLines(long firstSeq, long timestampMs, FileRef file, long start, long end, RedactionState before)
    {
        if (!ReferenceEquals(file, _lastFile) && _lastFile is { } previous) Remember(previous, _lastEnd);
        if (ReferenceEquals(file, _lastFile) && start == _lastEnd && _entries.Last is { Notice: null, File: not null } last && end - last.Start <= MaxSegmentBytes)
        {
            _lastEnd = end;
            return;
        }
        Append(new JournalEntry(firstSeq, timestampMs, file, start, null, before));
        _lastFile = file;
        _lastEnd = end;
    }

    /// <summary>A notice ends the current segment; where its file got to is kept for a restart.</summary>
    private void ForgetLastFile()
    {
        if (_lastFile is { } last) Remember(last, _lastEnd);
        _lastFile = null;
        _lastEnd = -1;
    }

    private void Remember(FileRef file, long end)
    {
        _positions.Remove(file.Identity);
        _positions[file.Identity] = new FilePosition(file, end);
        if (_positions.Count > MaxPositions) _positions.Remove(_positions.Keys.First());
    }

    private void Append(JournalEntry entry)
    {
        _entries.Add(entry);
        persist?.Invoke(entry);
        _entries.TrimTo(_maxEntries);
    }

    /// <summary>Puts back what was persisted (<see cref="State.SourceStateStore"/>), before the first record is added.</summary>
    public void Restore(IEnumerable<JournalEntry> entries, long lastSeq, IEnumerable<FilePosition> positions)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _entries.Add(entry);
                if (entry.Notice is { Kind: NoticeKind.Truncated, Identity: { } id }) _truncatedBefore[id] = entry.FirstSeq;
                _entries.TrimTo(_maxEntries);
            }
            foreach (var position in positions) _positions[position.File.Identity] = position;
            _lastSeq = lastSeq;
        }
    }

    /// <summary>How far each file was numbered, newest last: where a source resumes after a restart.</summary>
    public IReadOnlyList<FilePosition> Positions()
    {
        lock (_lock)
        {
            var positions = _positions.Values.ToList();
            if (_lastFile is { } last)
            {
                positions.RemoveAll(p => p.File.Identity == last.Identity);
                positions.Add(new FilePosition(last, _lastEnd));
            }
            return positions;
        }
    }

    /// <summary>The entries held, oldest first (for compacting the log).</summary>
    public IReadOnlyList<JournalEntry> Entries()
    {
        lock (_lock) return _entries.ToList();
    }

    public List<SourceRecord> Replay(long fromSeq, long toSeq, long nowMs)
    {
        var output = new List<SourceRecord>();
        if (fromSeq > toSeq) return output;
        List<(JournalEntry Entry, long LastSeq)> segments;
        Dictionary<FileIdentity, long> truncated;
        lock (_lock)
        {
            segments = [];
            for (var i = _entries.IndexOf(fromSeq); i < _entries.Count; i++)
            {
                var entry = _entries[i];
                if (entry.FirstSeq > toSeq) break;
                var last = i + 1 < _entries.Count ? _entries[i + 1].FirstSeq - 1 : _lastSeq;
                if (last >= fromSeq) segments.Add((entry, last));
            }
            truncated = new Dictionary<FileIdentity, long>(_truncatedBefore);
            var oldest = _entries.Count > 0 ? _entries[0].FirstSeq : _lastSeq + 1;
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
                if (entry.File is not { } file)
                {
                    output.Add(new SequenceGap(first, last, GapReason.FileGone, nowMs));
                    continue;
                }
                // After a truncation the file holds other content; a copy made before it (copytruncate) may hold these lines.
                var replaced = truncated.TryGetValue(file.Identity, out var truncatedAt) && truncatedAt > entry.FirstSeq;
                if (!opened.TryGetValue((file, replaced), out var source))
                {
                    source = file.Spooled ? (replaced ? null : _locator.OpenSpool(file)) : _locator.OpenForReadBack(file, replaced);
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
            // Every line from the segment's start is framed and masked, in order, so the state matches the live path's.
            // A spool holds lines already cut and marked: its cap leaves room for the marker, so they are not cut again.
            var framer = new LineFramer(file.Spooled ? maxLineBytes + 256 : maxLineBytes, _redactor, file, start, redaction, classifier: classifier);
            var lines = new List<SourceRecord>();
            var buffer = new byte[64 * 1024];
            var seq = firstSeq;
            var offset = start;
            while (seq <= to)
            {
                var n = source.Read(buffer, offset);
                if (n == 0) framer.FlushPartial(timestampMs, 0, lines);
                else framer.Push(buffer.AsSpan(0, n), timestampMs, 0, lines);
                offset += n;
                foreach (var line in lines)
                {
                    if (seq >= from && seq <= to)
                    {
                        line.Seq = seq;
                        output.Add(line);
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

/// <summary>The journal's entries, oldest first, trimmed from the front without moving the rest every time.</summary>
internal sealed class EntryWindow
{
    private readonly List<JournalEntry> _items = [];
    private int _head;

    public int Count => _items.Count - _head;
    public JournalEntry this[int index] => _items[_head + index];
    public JournalEntry? Last => Count > 0 ? _items[^1] : null;

    public void Add(JournalEntry entry) => _items.Add(entry);

    public void TrimTo(int max)
    {
        if (Count <= max) return;
        _head += Count - max;
        // Drop the trimmed front in one move once it is as large as what is kept.
        if (_head >= _items.Count - _head)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
    }

    /// <summary>The index of the entry holding <paramref name="seq"/> (the last one starting at or before it), or 0.</summary>
    public int IndexOf(long seq)
    {
        int low = _head, high = _items.Count - 1, found = _head;
        while (low <= high)
        {
            var mid = low + (high - low) / 2;
            if (_items[mid].FirstSeq <= seq)
            {
                found = mid;
                low = mid + 1;
            }
            else high = mid - 1;
        }
        return found - _head;
    }

    public List<JournalEntry> ToList() => _items.GetRange(_head, Count);
}

/// <summary>How far a file was numbered: the offset after its last line given a sequence number.</summary>
public sealed record FilePosition(FileRef File, long Offset);
