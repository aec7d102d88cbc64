using TailHub.Pipeline;
using Microsoft.Win32.SafeHandles;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.Structure;

namespace TailHub.Sources;

/// <summary>
/// One open file and how far it has been read. The handle stays valid after the file is renamed or deleted,
/// which is what lets a rotated file be read to its very end.
/// </summary>
public sealed class FileFollower : IDisposable
{
    private const int FingerprintBytes = 64;

    private readonly SafeFileHandle _handle;
    // The last bytes read before Offset: if they change, the file was truncated and refilled past our offset
    // between two looks (copytruncate under a busy writer), which its size alone cannot show.
    private readonly byte[] _fingerprint = new byte[FingerprintBytes];
    private int _fingerprintLength;

    private FileFollower(SafeFileHandle handle, LineFramer framer)
    {
        _handle = handle;
        _framer = framer;
    }

    // Turns the bytes read into masked lines (the one place that does, for every source and every read-back).
    private readonly LineFramer _framer;

    /// <summary>The file as its lines name it (its path may change with a rename).</summary>
    public FileRef File => _framer.File!;

    /// <summary>Next byte to read.</summary>
    public long Offset => _framer.Position;

    /// <summary>Where the first byte not yet part of a line given out is: the start of a held partial line.</summary>
    public long CommittedOffset => _framer.CommittedOffset;

    /// <summary>
    /// Lines before this offset existed before TailHub started reading the file: they are counted in bulk as history
    /// (<see cref="LineRun.Backfill"/>), not sent to viewers as new lines.
    /// </summary>
    public long BackfillUntil { get; private set; }

    /// <summary>When this file last gave new bytes (for the grace period of rotated files).</summary>
    public DateTimeOffset LastGrowth { get; set; }

    /// <summary>Set once the file's first bytes show a compressed format: nothing of it is read as text.</summary>
    public bool IsCompressed { get; private set; }

    // Whether the first bytes were enough to tell text from a compressed format.
    private bool _sniffed;

    // The file's first bytes as last read, while it is followed: what tells a copy of it (copytruncate) from another file.
    private readonly byte[] _head = new byte[FileHead.MaxBytes];
    private int _headLength;

    /// <summary>The file's first bytes (up to <see cref="FileHead.MaxBytes"/>), as last read.</summary>
    public ReadOnlySpan<byte> HeadBytes => _head.AsSpan(0, _headLength);

    // Size and last write when it was last read: a file showing the same is not read again (one fstat per look).
    private (long Size, long ModifiedNs) _seen = (-1, 0);

    /// <summary>
    /// Opens <paramref name="path"/> through <paramref name="open"/>. Reading starts at byte 0, or, with
    /// <paramref name="resumeAt"/> (where a previous run of TailHub got to), there. With <paramref name="tailLines"/>
    /// set, the lines before the file's last <paramref name="tailLines"/> are history: counted from byte 0 as a
    /// backfill (<see cref="BackfillUntil"/>), and the last ones read as lines, like <c>tail -n</c>. A resume offset
    /// past the file's end (truncated since) is ignored: <paramref name="truncatedSince"/> says so. Returns null when
    /// the file does not exist; throws what opening it threw otherwise.
    /// </summary>
    public static FileFollower? Open(string path, FileOpener open, int maxLineBytes, LineRedactor redactor, LineClassifier classifier, int? tailLines, DateTimeOffset now,
        Func<FileIdentity, long?>? resumeAt = null) => Open(path, open, maxLineBytes, redactor, classifier, tailLines, now, resumeAt, out _);

    /// <inheritdoc cref="Open(string, FileOpener, int, LineRedactor, LineClassifier, int?, DateTimeOffset, Func{FileIdentity, long?}?)"/>
    public static FileFollower? Open(string path, FileOpener open, int maxLineBytes, LineRedactor redactor, LineClassifier classifier, int? tailLines, DateTimeOffset now,
        Func<FileIdentity, long?>? resumeAt, out bool truncatedSince)
    {
        truncatedSince = false;
        SafeFileHandle handle;
        try
        {
            handle = open(path);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }

        try
        {
            var stat = FileStat.OfHandle(handle, path);
            if (stat is null)
            {
                handle.Dispose();
                return null;
            }
            long start = 0, backfill = 0;
            if (resumeAt?.Invoke(stat.Value.Identity) is { } resumed)
            {
                if (resumed <= stat.Value.Size) start = resumed;
                else truncatedSince = true;
            }
            else if (tailLines is { } n)
            {
                backfill = StartOfLastLines(handle, stat.Value.Size, n);
            }
            var framer = new LineFramer(maxLineBytes, redactor, new FileRef(path, stat.Value.Identity), start, PrivateKeyLookBehind.StateBefore(handle, start), classifier: classifier);
            var follower = new FileFollower(handle, framer) { LastGrowth = now, BackfillUntil = backfill };
            follower.RefreshHead();
            return follower;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads what the file holds past <see cref="Offset"/>, at most <paramref name="buffer"/>'s length and not beyond
    /// <paramref name="limit"/>, and splits it. When the bytes before the offset changed by the time the read returned,
    /// the file was truncated and refilled under this read: nothing is split, <paramref name="replaced"/> is set, and
    /// the caller restarts at 0. Returns 0 for a compressed file (see <see cref="IsCompressed"/>).
    /// </summary>
    public int Read(byte[] buffer, List<SourceRecord> lines, long timestampMs, long readTimestamp, out bool replaced, long limit = long.MaxValue)
    {
        replaced = false;
        if (!IsText()) return 0;
        var start = Offset;
        var n = ReadChecked(Window(buffer, limit), out replaced);
        if (n == 0 || replaced) return n;
        _framer.Push(buffer.AsSpan(0, n), timestampMs, readTimestamp, lines);
        Remember(buffer.AsSpan(0, n));
        if (start < FileHead.MaxBytes) ExtendHead(start, buffer.AsSpan(0, n));
        return n;
    }

    /// <summary>
    /// For a catch-up far behind the file's end: reads like <see cref="Read"/>, but the complete lines read are only
    /// counted and returned as a <see cref="LineRun"/>; the bytes after the last newline are read again next time.
    /// What needs line-by-line attention (masking state that could change, no newline in the whole read) is split as
    /// by <see cref="Read"/> instead, and a held partial line is finished alone; then null is returned.
    /// </summary>
    public LineRun? ReadRun(byte[] buffer, List<SourceRecord> lines, long timestampMs, long readTimestamp, out int bytesRead, out bool replaced, long limit = long.MaxValue)
    {
        var start = Offset;
        replaced = false;
        bytesRead = 0;
        if (!IsText()) return null;
        bytesRead = ReadChecked(Window(buffer, limit), out replaced);
        if (bytesRead == 0 || replaced) return null;
        if (start < FileHead.MaxBytes) ExtendHead(start, buffer.AsSpan(0, bytesRead));
        var read = buffer.AsSpan(0, bytesRead);
        if (_framer.HasPartialLine)
        {
            // Finish the held line the ordinary way (masked before the next read): the next read starts at a line.
            var newline = read.IndexOf((byte)'\n');
            var part = newline < 0 ? read : read[..(newline + 1)];
            _framer.Push(part, timestampMs, readTimestamp, lines);
            Remember(part);
            bytesRead = part.Length;
            return null;
        }
        var whole = read[..(read.LastIndexOf((byte)'\n') + 1)];
        var count = whole.IsEmpty ? -1 : _framer.Redactor.CountLinesThatKeepStartState(whole, _framer.Redaction);
        if (count < 0)
        {
            _framer.Push(read, timestampMs, readTimestamp, lines);
            Remember(read);
            return null;
        }
        _framer.Reset(start + whole.Length, _framer.Redaction);
        Remember(whole);
        bytesRead = whole.Length;
        return new LineRun(File, start, start + whole.Length, count, timestampMs) { Backfill = start + whole.Length <= BackfillUntil };
    }

    /// <summary>The part of <paramref name="buffer"/> a read may fill without passing <paramref name="limit"/>.</summary>
    private Span<byte> Window(byte[] buffer, long limit) =>
        buffer.AsSpan(0, (int)Math.Clamp(limit - Offset, 0, buffer.Length));

    /// <summary>
    /// Whether the file may be read as text: decided by its first bytes (a compressed format's signature is not text),
    /// which for a new file may not all be there yet; then nothing is read until they are.
    /// </summary>
    private bool IsText()
    {
        if (!_sniffed) RefreshHead();
        return _sniffed && !IsCompressed;
    }

    /// <summary>The file's size and last write now, through the handle (the path may name another file by now).</summary>
    public FileStat? Stat() => FileStat.OfHandle(_handle, File.Path);

    /// <summary>Whether the file shows the size and last write it had when <see cref="Saw"/> was last told: nothing new, nothing replaced.</summary>
    public bool Unchanged(FileStat stat) => (stat.Size, stat.ModifiedNs) == _seen;

    /// <summary>Everything up to <paramref name="stat"/> was read (a stat taken before reading: later writes differ from it).</summary>
    public void Saw(FileStat stat) => _seen = (stat.Size, stat.ModifiedNs);

    /// <summary>Reads the file's first bytes again while they can still change what is known of them.</summary>
    private void RefreshHead()
    {
        var n = RandomAccess.Read(_handle, _head, 0);
        _headLength = n;
        File.Head.Update(_head.AsSpan(0, n));
        if (_sniffed) return;
        var kind = CompressedFile.Sniff(_head.AsSpan(0, n));
        if (kind == ContentKind.Undecided) return;
        _sniffed = true;
        IsCompressed = kind == ContentKind.Compressed;
    }

    /// <summary>
    /// Takes the file's first bytes from what was just read at <paramref name="start"/>, not from the file again: by
    /// then it may have been copied and truncated (copytruncate), and the head is what tells its copy apart.
    /// </summary>
    private void ExtendHead(long start, ReadOnlySpan<byte> read)
    {
        if (start > _headLength)
        {
            RefreshHead();
            return;
        }
        var skip = (int)(_headLength - start);
        if (skip >= read.Length) return;
        var take = Math.Min(read.Length - skip, FileHead.MaxBytes - _headLength);
        if (take <= 0) return;
        read.Slice(skip, take).CopyTo(_head.AsSpan(_headLength));
        _headLength += take;
        File.Head.Update(_head.AsSpan(0, _headLength));
    }

    /// <summary>Reads the file's first bytes into <paramref name="head"/> (to compare with another file's fingerprint).</summary>
    public int ReadHead(Span<byte> head) => RandomAccess.Read(_handle, head, 0);

    /// <summary>Reads from <see cref="Offset"/>; <paramref name="replaced"/> when the bytes before it changed meanwhile.</summary>
    private int ReadChecked(Span<byte> buffer, out bool replaced)
    {
        replaced = false;
        if (buffer.IsEmpty) return 0;
        var start = Offset;
        var length = _fingerprintLength;
        var n = RandomAccess.Read(_handle, buffer, start);
        if (n == 0) return 0;
        if (length > 0)
        {
            Span<byte> now = stackalloc byte[FingerprintBytes];
            var m = RandomAccess.Read(_handle, now[..length], start - length);
            replaced = m != length || !now[..m].SequenceEqual(_fingerprint.AsSpan(0, length));
        }
        return n;
    }

    private void Remember(ReadOnlySpan<byte> read)
    {
        if (read.Length >= FingerprintBytes)
        {
            read[^FingerprintBytes..].CopyTo(_fingerprint);
            _fingerprintLength = FingerprintBytes;
            return;
        }
        var keep = Math.Min(_fingerprintLength, FingerprintBytes - read.Length);
        _fingerprint.AsSpan(_fingerprintLength - keep, keep).CopyTo(_fingerprint);
        read.CopyTo(_fingerprint.AsSpan(keep));
        _fingerprintLength = keep + read.Length;
    }

    /// <summary>
    /// True when the file no longer holds what was read: it is shorter than the offset, or the bytes just before the
    /// offset differ from those read there.
    /// </summary>
    public bool WasReplaced(long size)
    {
        if (size < Offset) return true;
        if (_fingerprintLength == 0) return false;
        Span<byte> now = stackalloc byte[FingerprintBytes];
        var n = RandomAccess.Read(_handle, now[.._fingerprintLength], Offset - _fingerprintLength);
        return n != _fingerprintLength || !now[..n].SequenceEqual(_fingerprint.AsSpan(0, _fingerprintLength));
    }

    /// <summary>
    /// Starts over at byte 0 of the same file (after a truncation). What it holds now is other content: it gets a new
    /// <see cref="FileRef"/> and fingerprint, and the old ones keep describing what was read before.
    /// </summary>
    public void Restart()
    {
        _framer.Reset(0, default, new FileRef(File.Path, File.Identity));
        _fingerprintLength = 0;
        BackfillUntil = 0;
        _headLength = 0;
        _seen = (-1, 0);
        _sniffed = false;
        IsCompressed = false;
    }

    /// <summary>Continues reading at <paramref name="offset"/>, a line's start (a copy of a file read that far).</summary>
    public void StartAt(long offset)
    {
        _framer.Reset(offset, PrivateKeyLookBehind.StateBefore(_handle, offset));
        _fingerprintLength = 0;
        BackfillUntil = 0;
    }

    /// <summary>Gives out a held partial line as a whole line: the file can no longer grow.</summary>
    public bool FlushPartial(List<SourceRecord> lines, long timestampMs, long readTimestamp) => _framer.FlushPartial(timestampMs, readTimestamp, lines);

    /// <summary>The file's size now, through the handle (the path may name another file by now).</summary>
    public long CurrentSize() => FileStat.OfHandle(_handle, File.Path)?.Size ?? RandomAccess.GetLength(_handle);

    /// <summary>Whether the file still has a name somewhere: false once it was deleted (it is still read through the handle).</summary>
    public bool IsLinked() => FileStat.OfHandle(_handle, File.Path)?.Links is not 0;

    /// <summary>Follows the same file under a new name (a rename inside a glob source).</summary>
    public void Renamed(string newPath) => _framer.Renamed(newPath);

    public void Dispose() => _handle.Dispose();

    /// <summary>Offset of the start of the last <paramref name="lines"/> lines, scanning backwards in blocks.</summary>
    internal static long StartOfLastLines(SafeFileHandle handle, long size, int lines)
    {
        if (lines <= 0 || size == 0) return size;
        var buffer = new byte[64 * 1024];
        var end = size;
        var newlines = 0;
        // A final newline ends the last line; it does not start another one.
        var skipFinal = true;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, count), start);
            if (read < count) return start + read; // The file shrank under us: start from what is certainly there.
            var span = buffer.AsSpan(0, count);
            for (var i = span.Length - 1; i >= 0; i--)
            {
                if (span[i] != (byte)'\n') continue;
                if (skipFinal && start + i == size - 1) { skipFinal = false; continue; }
                skipFinal = false;
                if (++newlines == lines) return start + i + 1;
            }
            skipFinal = false;
            end = start;
        }
        return 0;
    }
}
