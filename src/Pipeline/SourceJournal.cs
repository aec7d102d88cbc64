using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.Spool;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>One remembered stretch of a source's sequence: consecutive lines of one file from an offset, or a notice.</summary>
/// <param name="File">The file the lines are in; null for a notice, or for lines kept nowhere (then they cannot be read back).</param>
/// <param name="Continues">The lines follow the previous entry's in the same file without a break (it was split only
/// to keep segments short): the two can be made one again when the journal grows past its cap.</param>
public sealed record JournalEntry(long FirstSeq, long TimestampMs, FileRef? File, long Start, SourceNotice? Notice, RedactionState Redaction = default, bool Continues = false);

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

    // A segment also ends once it is a second old and holds this much, so a time (since=) is found to about a second
    // in a busy file while the index stays near 1 % of the bytes it covers (an entry is about 150 bytes on disk).
    private const long MinTimedSegmentBytes = 16 * 1024;
    private const long SegmentMillis = 1000;

    // A quiet file's segment ends after this long whatever it holds: time stays findable to the minute.
    private const long MaxSegmentMillis = 60_000;

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
    private long _bytesReadBack;

    /// <summary>Bytes read from files to give lines back (what a read costs: a deep page must not read from the start).</summary>
    public long BytesReadBack => Interlocked.Read(ref _bytesReadBack);

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
        var continues = ReferenceEquals(file, _lastFile) && start == _lastEnd && _entries.Last is { Notice: null, File: not null };
        if (continues && _entries.Last is { } last && end - last.Start <= MaxSegmentBytes && !SegmentTimedOut(last, start, timestampMs))
        {
            _lastEnd = end;
            return;
        }
        Append(new JournalEntry(firstSeq, timestampMs, file, start, null, before, continues));
        _lastFile = file;
        _lastEnd = end;
    }

    private static bool SegmentTimedOut(JournalEntry segment, long start, long timestampMs)
    {
        var age = timestampMs - segment.TimestampMs;
        return age >= MaxSegmentMillis || (age >= SegmentMillis && start - segment.Start >= MinTimedSegmentBytes);
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
        _entries.Bound(_maxEntries);
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
                _entries.Bound(_maxEntries);
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

    public List<SourceRecord> Replay(long fromSeq, long toSeq, long nowMs) => Read(fromSeq, toSeq, nowMs).ToList();

    /// <summary>
    /// Records <paramref name="fromSeq"/> to <paramref name="toSeq"/>, read back as they are enumerated: each segment
    /// read once from its start, so a long range (a download, a search) streams through the files without being held.
    /// </summary>
    public IEnumerable<SourceRecord> Read(long fromSeq, long toSeq, long nowMs) => Read(fromSeq, toSeq, nowMs, blocks: false);

    /// <summary>
    /// As <see cref="Read(long, long, long)"/>, but where a stretch of whole lines read from a file is what framing and
    /// masking would give unchanged (<see cref="VerbatimLines"/>: valid UTF-8, nothing to cut, nothing to mask), it is
    /// given as one <see cref="VerbatimLineBlock"/> instead of a line object each: for readers of long ranges that
    /// want the text (a download, a search).
    /// </summary>
    public IEnumerable<SourceRecord> Read(long fromSeq, long toSeq, long nowMs, bool blocks)
    {
        if (fromSeq > toSeq) yield break;
        List<(JournalEntry Entry, long LastSeq)> segments;
        Dictionary<FileIdentity, long> truncated;
        SequenceGap? expired = null;
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
            if (fromSeq < oldest) expired = new SequenceGap(fromSeq, Math.Min(toSeq, oldest - 1), GapReason.Expired, nowMs);
        }
        if (expired is not null) yield return expired;

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
                    yield return notice;
                    continue;
                }
                if (entry.File is not { } file)
                {
                    yield return new SequenceGap(first, last, GapReason.FileGone, nowMs);
                    continue;
                }
                // After a truncation the file holds other content; a copy made before it (copytruncate) may hold these lines.
                var replaced = truncated.TryGetValue(file.Identity, out var truncatedAt) && truncatedAt > entry.FirstSeq;
                if (!opened.TryGetValue((file, replaced), out var source))
                {
                    source = file.Spooled ? (replaced ? null : _locator.OpenSpool(file)) : _locator.OpenForReadBack(file, replaced);
                    opened[(file, replaced)] = source;
                }
                var read = first - 1;
                if (source is not null)
                {
                    if (file.Spooled) Reading(file.Path, +1);
                    try
                    {
                        foreach (var line in ReadLines(source, file, entry, first, last, blocks))
                        {
                            read = line.LastSeq;
                            yield return line;
                        }
                    }
                    finally
                    {
                        if (file.Spooled) Reading(file.Path, -1);
                    }
                }
                if (read < last) yield return new SequenceGap(Math.Max(first, read + 1), last, GoneBecause(file, replaced), nowMs);
            }
        }
        finally
        {
            foreach (var source in opened.Values) source?.Dispose();
        }
    }

    /// <summary>
    /// Why a file's lines cannot be read: overwritten (truncated), or gone; one of TailHub's own files that is gone
    /// (neither it nor its compressed copy is there) was removed by retention: expired.
    /// </summary>
    private static GapReason GoneBecause(FileRef file, bool replaced) =>
        replaced ? GapReason.Truncated
        : file.Spooled && !File.Exists(file.Path) && !File.Exists(file.Path + ".gz") ? GapReason.Expired
        : GapReason.FileGone;

    private readonly Dictionary<string, int> _reading = new(StringComparer.Ordinal);

    private void Reading(string path, int delta)
    {
        lock (_reading)
        {
            var count = _reading.GetValueOrDefault(path) + delta;
            if (count > 0) _reading[path] = count;
            else _reading.Remove(path);
        }
    }

    /// <summary>Whether one of TailHub's own files is being read back now (a download, a search): retention leaves it.</summary>
    public bool IsReading(string path)
    {
        lock (_reading) return _reading.ContainsKey(path);
    }

    /// <summary>
    /// The sequence number of the first record read at or after <paramref name="timeMs"/>, as far as the segments'
    /// times tell (a segment's lines are taken to have been read when it began); one past the last when none was.
    /// </summary>
    public long? SeqAt(long timeMs)
    {
        lock (_lock) return _entries.FirstAtOrAfter(timeMs) is { } entry ? entry.FirstSeq : _lastSeq + 1;
    }

    /// <summary>Reads the segment's lines from where its file is now, up to <paramref name="to"/>; stops early where the file ends or fails.</summary>
    private IEnumerable<SourceRecord> ReadLines(ReadBackFile source, FileRef file, JournalEntry segment, long from, long to, bool blocks)
    {
        // Every line from the segment's start is framed and masked, in order, so the state matches the live path's.
        // A spool holds lines already cut and marked: its cap leaves room for the marker, so they are not cut again.
        var cap = file.Spooled ? maxLineBytes + 256 : maxLineBytes;
        var framer = new LineFramer(cap, _redactor, file, segment.Start, segment.Redaction, classifier: classifier);
        var lines = new List<SourceRecord>();
        var buffer = new byte[64 * 1024];
        var seq = segment.FirstSeq;
        var offset = segment.Start;
        while (seq <= to)
        {
            int n;
            try
            {
                n = source.Read(buffer, offset);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // What was read stands; the rest is a gap (a compressed file still being written ends early).
                yield break;
            }
            Interlocked.Add(ref _bytesReadBack, n);
            if (blocks && seq >= from && VerbatimBlock(framer, buffer, n, cap, to - seq + 1) is { Bytes: > 0 } block)
            {
                yield return new VerbatimLineBlock(buffer.AsSpan(0, block.Bytes).ToArray(), block.Count, segment.TimestampMs) { Seq = seq };
                seq += block.Count;
                // The next read starts at the next line: the framer holds no partial line, so the next block can be whole too.
                offset += block.Bytes;
                framer.Reset(offset, framer.Redaction);
                continue;
            }
            // Reading for blocks, only whole lines are framed, for the same reason (unless one line fills the buffer).
            var take = n;
            if (blocks && buffer.AsSpan(0, n).LastIndexOf((byte)'\n') is var newline and >= 0) take = newline + 1;
            offset += take;
            if (n == 0) framer.FlushPartial(segment.TimestampMs, 0, lines);
            else framer.Push(buffer.AsSpan(0, take), segment.TimestampMs, 0, lines);
            foreach (var record in lines)
            {
                if (seq > to) break;
                if (seq >= from)
                {
                    record.Seq = seq;
                    yield return record;
                }
                seq++;
            }
            lines.Clear();
            if (n == 0) break;
        }
    }

    /// <summary>
    /// The whole lines at the start of <paramref name="buffer"/> that framing and masking would leave as they are, when
    /// the framer holds nothing and no masking state carries into them, and there are at most <paramref name="room"/>.
    /// </summary>
    private static (int Bytes, int Count) VerbatimBlock(LineFramer framer, byte[] buffer, int n, int cap, long room)
    {
        if (n == 0 || framer.HasPartialLine || framer.Redaction.InPrivateKey) return default;
        var whole = buffer.AsSpan(0, n);
        var last = whole.LastIndexOf((byte)'\n');
        if (last < 0) return default;
        whole = whole[..(last + 1)];
        var count = VerbatimLines.Count(whole, cap, framer.Redactor);
        return count > 0 && count <= room ? (whole.Length, count) : default;
    }
}

/// <summary>
/// Consecutive whole lines as one record: their text, each ending in <c>\n</c>, exactly as the lines would be (framing
/// and masking leave them unchanged). Only long reads of history ask for these (<see cref="SourceJournal.Read(long, long, long, bool)"/>).
/// </summary>
public sealed class VerbatimLineBlock(byte[] text, int count, long timestampMs) : SourceRecord(timestampMs)
{
    public byte[] Text { get; } = text;
    public int Count { get; } = count;
    public override int SeqCount => Count;
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

    /// <summary>
    /// Keeps at most <paramref name="max"/> entries: first by making the older half coarser (a segment split only to
    /// stay short is joined to the one before it, so those stretches stay readable, from further back), and only when
    /// nothing is left to join by forgetting the oldest.
    /// </summary>
    public void Bound(int max)
    {
        if (Count <= max) return;
        Coarsen();
        TrimTo(max);
    }

    private void Coarsen()
    {
        var kept = new List<JournalEntry>(_items.Count - _head);
        var half = _head + (_items.Count - _head) / 2;
        var joined = false;
        for (var i = _head; i < _items.Count; i++)
        {
            var entry = _items[i];
            // Every other continuing entry of the older half is joined: each pass halves the density there, no more.
            if (i < half && entry.Continues && !joined && kept.Count > 0 && kept[^1] is { Notice: null, File: { } file } && file.Identity == entry.File?.Identity)
            {
                joined = true;
                continue;
            }
            joined = false;
            kept.Add(entry);
        }
        _items.Clear();
        _items.AddRange(kept);
        _head = 0;
    }

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

    /// <summary>The first entry made at or after <paramref name="timeMs"/> (times only grow, but for a clock set back).</summary>
    public JournalEntry? FirstAtOrAfter(long timeMs)
    {
        int low = _head, high = _items.Count - 1;
        JournalEntry? found = null;
        while (low <= high)
        {
            var mid = low + (high - low) / 2;
            if (_items[mid].TimestampMs >= timeMs)
            {
                found = _items[mid];
                high = mid - 1;
            }
            else low = mid + 1;
        }
        return found;
    }
}

/// <summary>How far a file was numbered: the offset after its last line given a sequence number.</summary>
public sealed record FilePosition(FileRef File, long Offset);
