using System.Threading.Channels;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.Spool;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>
/// The one way into a source's hub. A source frames its bytes into lines through <see cref="Lines"/> (or adds
/// records it made, such as a bulk-counted <see cref="LineRun"/>), says what happens to it through
/// <see cref="Notice"/>, and hands everything over with <see cref="FlushAsync"/>, which numbers the records in the
/// order they were added. Lines and notices of a source therefore reach viewers in the order the source produced
/// them, by construction.
/// </summary>
/// <remarks>
/// One writer per source, used by one caller at a time (a source with concurrent producers, such as several
/// uploads, serialises them). A full hub makes <see cref="FlushAsync"/> wait: nothing is dropped between a source
/// and its hub.
/// </remarks>
public sealed class SourceWriter
{
    private readonly ChannelWriter<SourceRecord[]> _hub;
    private readonly int _maxLineBytes;
    private readonly LineRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly Func<bool> _watched;
    private readonly List<SourceRecord> _pending = [];
    private readonly Dictionary<FileIdentity, long> _numberedTo = [];
    private long _lastSeq;
    private int _pendingLines;

    /// <param name="lastSeq">The last sequence number already given out (a restored state's).</param>
    /// <param name="numbered">How far each file was numbered before (a restored state's), so a source resumes there.</param>
    public SourceWriter(string source, ChannelWriter<SourceRecord[]> hub, long lastSeq, int maxLineBytes, LineRedactor redactor, TimeProvider time, Func<bool> watched,
        IEnumerable<FilePosition>? numbered = null)
    {
        Source = source;
        _hub = hub;
        _lastSeq = lastSeq;
        _maxLineBytes = maxLineBytes;
        _redactor = redactor;
        _time = time;
        _watched = watched;
        Restored = numbered?.ToList() ?? [];
        foreach (var position in Restored) _numberedTo[position.File.Identity] = position.Offset;
    }

    /// <summary>How far each file was numbered before a restart (a restored state's), newest last.</summary>
    public IReadOnlyList<FilePosition> Restored { get; }

    public string Source { get; }

    /// <summary>True while someone watches the source live (a source may then prefer line-by-line work to bulk work).</summary>
    public bool IsWatched => _watched();

    /// <summary>The last sequence number given out.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Records added and not yet handed over.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Lines added and not yet handed over.</summary>
    public int PendingLines => _pendingLines;

    public TimeProvider Time => _time;

    /// <summary>The longest line kept whole (<c>MaxLineBytes</c>).</summary>
    public int MaxLineBytes => _maxLineBytes;

    public LineRedactor Redactor => _redactor;

    /// <summary>A framer for one byte stream of this source, with the source's line cap and masking.</summary>
    /// <param name="stream">For a process's output: which of its streams the bytes are.</param>
    public LineFramer Framer(FileRef? file, long offset = 0, RedactionState redaction = default, LineStream stream = LineStream.Stdout) =>
        new(_maxLineBytes, _redactor, file, offset, redaction, stream);

    /// <summary>Frames <paramref name="bytes"/> with <paramref name="framer"/>; complete lines are added. Returns how many.</summary>
    public int Lines(LineFramer framer, ReadOnlySpan<byte> bytes)
    {
        var n = framer.Push(bytes, _time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp(), _pending);
        _pendingLines += n;
        return n;
    }

    /// <summary>
    /// Frames <paramref name="bytes"/> and writes the complete lines to <paramref name="spool"/> before adding them, so
    /// they can be read back as they were published. Returns how many.
    /// </summary>
    public int Spool(LineFramer framer, ReadOnlySpan<byte> bytes, SpoolFile spool)
    {
        var from = _pending.Count;
        var n = Lines(framer, bytes);
        if (n > 0) spool.Append(_pending, from);
        return n;
    }

    /// <summary>
    /// Writes whole standard output lines that framing and masking would not change (<see cref="VerbatimLines"/>) to
    /// <paramref name="spool"/> as they are, and adds them as one <see cref="LineRun"/>: a flood nobody watches costs no
    /// object per line. False (nothing written) when any of them needs framing or masking: frame them instead.
    /// </summary>
    public bool SpoolVerbatim(ReadOnlySpan<byte> lines, SpoolFile spool)
    {
        var count = VerbatimLines.Count(lines, _maxLineBytes, _redactor);
        if (count <= 0) return false;
        var start = spool.AppendVerbatim(lines);
        Add(new LineRun(spool.File, start, start + lines.Length, count, _time.GetUtcNow().ToUnixTimeMilliseconds()));
        return true;
    }

    /// <summary>Writes <paramref name="framer"/>'s held partial line to <paramref name="spool"/> as a line, and adds it.</summary>
    public bool FlushPartial(LineFramer framer, SpoolFile spool)
    {
        var from = _pending.Count;
        if (!FlushPartial(framer)) return false;
        spool.Append(_pending, from);
        return true;
    }

    /// <summary>
    /// Where <paramref name="file"/> was numbered to: by this writer, or before a restart. Null when none of its lines
    /// has a sequence number.
    /// </summary>
    public long? NumberedTo(FileRef file) => NumberedTo(file.Identity);

    /// <inheritdoc cref="NumberedTo(FileRef)"/>
    public long? NumberedTo(FileIdentity file) => _numberedTo.TryGetValue(file, out var offset) ? offset : null;

    /// <summary>When the state this writer continues was saved (null for a source starting afresh).</summary>
    public DateTimeOffset? RestoredFrom { get; init; }

    /// <summary>Forgets how far <paramref name="file"/> was numbered (its content was replaced).</summary>
    public void Forget(FileRef file) => _numberedTo.Remove(file.Identity);

    /// <summary>
    /// Adds the lines of <paramref name="spool"/> past where it was numbered (written before a crash, or before a
    /// restart caught up with them), read back as any reader would, and hands them over.
    /// </summary>
    public async ValueTask RecoverAsync(SpoolFile spool, CancellationToken cancellationToken)
    {
        var from = NumberedTo(spool.File) ?? 0;
        if (from >= spool.Length) return;
        var framer = new LineFramer(_maxLineBytes + 256, _redactor, spool.File, from);
        using var handle = File.OpenHandle(spool.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        var offset = from;
        while (offset < spool.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, spool.Length - offset)), offset);
            if (n == 0) break;
            Lines(framer, buffer.AsSpan(0, n));
            offset += n;
            if (_pendingLines >= 4096) await FlushAsync(cancellationToken);
        }
        FlushPartial(framer);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Adds <paramref name="framer"/>'s held partial line as a line: its stream can no longer grow.</summary>
    public bool FlushPartial(LineFramer framer)
    {
        if (!framer.FlushPartial(_time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp(), _pending)) return false;
        _pendingLines++;
        return true;
    }

    /// <summary>Adds a record made by the source itself (a <see cref="LineRun"/>, lines it framed for a spool).</summary>
    public void Add(SourceRecord record)
    {
        _pending.Add(record);
        _pendingLines += record is SourceNotice ? 0 : record.SeqCount;
    }

    /// <summary>Adds lines already framed (and, for a spool, written) by the source.</summary>
    public void AddRange(List<SourceRecord> records)
    {
        foreach (var record in records) Add(record);
    }

    /// <summary>Adds a notice, in order with the lines around it.</summary>
    public void Notice(NoticeKind kind, string path, string message, FileIdentity? identity = null) =>
        _pending.Add(new SourceNotice(kind, path, message, _time.GetUtcNow().ToUnixTimeMilliseconds(), identity));

    /// <summary>
    /// Numbers what was added and hands it to the hub; returns the first and last sequence numbers given out
    /// (first &gt; last when there was nothing).
    /// </summary>
    public async ValueTask<(long First, long Last)> FlushAsync(CancellationToken cancellationToken)
    {
        var first = _lastSeq + 1;
        if (_pending.Count == 0) return (first, first - 1);
        var chunk = _pending.ToArray();
        var seq = _lastSeq;
        foreach (var record in chunk)
        {
            record.Seq = seq + 1;
            seq = record.LastSeq;
        }
        // Numbers are given out only once the hub has the records: a flush cancelled while the hub is full keeps
        // them pending, so the sequence never skips.
        await _hub.WriteAsync(chunk, cancellationToken);
        _pending.Clear();
        _pendingLines = 0;
        Interlocked.Exchange(ref _lastSeq, seq);
        Remember(chunk);
        return (first, seq);
    }

    /// <summary>
    /// Hands over records numbered elsewhere (a mirror of an agent's stream keeps the agent's numbers, so cursors
    /// work on any hub). Records this writer already has are skipped, a gap that began before them is cut to
    /// what is new; the rest must continue the sequence exactly: a hole must come as a <see cref="SequenceGap"/>,
    /// never silently. Returns the first and last sequence numbers handed over (first &gt; last when nothing was new).
    /// </summary>
    /// <exception cref="InvalidOperationException">The records do not continue the sequence, or numbered records are pending.</exception>
    public async ValueTask<(long First, long Last)> ForwardAsync(IEnumerable<SourceRecord> numbered, CancellationToken cancellationToken)
    {
        if (_pending.Count > 0) throw new InvalidOperationException($"source '{Source}': records to number are pending; forward numbered records only");
        var chunk = new List<SourceRecord>();
        var expected = _lastSeq + 1;
        foreach (var record in numbered)
        {
            if (record.LastSeq < expected) continue;
            var current = record is SequenceGap gap && gap.From < expected
                ? new SequenceGap(expected, gap.To, gap.Reason, gap.TimestampMs)
                : record;
            if (SequenceGap.FirstSeqOf(current) != expected)
                throw new InvalidOperationException($"source '{Source}': record {SequenceGap.FirstSeqOf(current)} does not follow {expected - 1}; a hole must be forwarded as a gap");
            chunk.Add(current);
            expected = current.LastSeq + 1;
        }
        if (chunk.Count == 0) return (_lastSeq + 1, _lastSeq);
        var first = _lastSeq + 1;
        await _hub.WriteAsync([.. chunk], cancellationToken);
        Interlocked.Exchange(ref _lastSeq, expected - 1);
        return (first, expected - 1);
    }

    private void Remember(SourceRecord[] chunk)
    {
        FileRef? file = null;
        long end = 0;
        foreach (var record in chunk)
        {
            var (f, e) = record switch
            {
                LogLine { File: { } lineFile } line => (lineFile, line.End),
                LineRun run => (run.File, run.End),
                _ => (null, 0L),
            };
            if (f is null) continue;
            if (file is not null && !ReferenceEquals(f, file)) _numberedTo[file.Identity] = end;
            file = f;
            end = e;
        }
        if (file is not null) _numberedTo[file.Identity] = end;
    }
}
