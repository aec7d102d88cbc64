using System.Text;
using TailHub.Sources;

namespace TailHub.Pipeline;

/// <summary>
/// A file lines can be read back from: the path it was opened by and its identity. <see cref="Spooled"/> files are
/// TailHub's own (a push source's spool, a run's output): their lines were masked before they were written, so
/// reading them back does not mask again. Tailed files hold the original bytes and are masked on every read.
/// </summary>
public sealed record FileRef(string Path, FileIdentity Identity, bool Spooled = false)
{
    /// <summary>A fingerprint of the file's first bytes, as they were read (a truncation starts a new one): what finds
    /// the file once its identity cannot, as a copytruncate copy or compressed.</summary>
    public FileHead Head { get; init; } = new();
}

/// <summary>
/// Something a source emits, in order: a line or a notice. The pipeline gives each record its sequence number,
/// so lines and notices share one order per source and a viewer can resume exactly between them.
/// </summary>
public abstract class SourceRecord(long timestampMs)
{
    /// <summary>Position in the source's sequence, 1-based; assigned once by the pipeline.</summary>
    public long Seq { get; internal set; }

    /// <summary>How many sequence numbers the record takes: one, except for a <see cref="LineRun"/>.</summary>
    public virtual int SeqCount => 1;

    /// <summary>The last sequence number the record takes.</summary>
    public long LastSeq => Seq + SeqCount - 1;

    /// <summary>When TailHub read it (Unix milliseconds).</summary>
    public long TimestampMs { get; } = timestampMs;
}

/// <summary>
/// One line, as valid UTF-8 without its terminator, masked. Where it can be read back from (a tailed file, a spool)
/// is kept with it; a line that exists nowhere else (a mirror of another TailHub) has no <see cref="File"/>.
/// </summary>
public sealed class LogLine(byte[] utf8, FileRef? file, long start, long end, long timestampMs) : SourceRecord(timestampMs)
{
    private string? _text;

    public byte[] Utf8 { get; } = utf8;
    public FileRef? File { get; private set; } = file;

    /// <summary>Byte range of the line in <see cref="File"/>, terminator included.</summary>
    public long Start { get; private set; } = start;
    public long End { get; private set; } = end;

    /// <summary>
    /// Where a spool wrote the line, to be read back from there (<see cref="Spool.SpoolFile"/>): set once, while the
    /// line is still its source's alone, before it is numbered.
    /// </summary>
    internal void PlaceIn(FileRef spool, long start, long end)
    {
        File = spool;
        Start = start;
        End = end;
    }

    /// <summary>Its file's masking state before this line, so the journal can read it back and mask it the same way.</summary>
    public Pipeline.Redaction.RedactionState RedactionBefore { get; init; }

    /// <summary>When it was read, on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), for delivery latency; 0 for lines read back from disk.</summary>
    public long ReadTimestamp { get; init; }

    /// <summary>The severity the line states, where known (a pushed line's <c>level</c>).</summary>
    public LineLevel Level { get; init; }

    /// <summary>Which output of a process it was written to: standard error is shown apart (a file's lines are <see cref="LineStream.Stdout"/>).</summary>
    public LineStream Stream { get; init; }

    /// <summary>Decoded once, on first use, and shared by every viewer that needs a string (grep).</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Utf8);
}

/// <summary>
/// Whole lines of a file read in bulk during a catch-up far behind the file's end: counted, not split or masked.
/// The pipeline numbers them as <see cref="Count"/> lines and journals where they are; they are made into
/// <see cref="LogLine"/>s (split and masked exactly as the live path would) only if someone reads them, from the file.
/// Only made where masking cannot carry state past the run (no private key block in it or open before it).
/// </summary>
public sealed class LineRun(FileRef file, long start, long end, int count, long timestampMs) : SourceRecord(timestampMs)
{
    public FileRef File { get; } = file;

    /// <summary>Byte range of the lines in <see cref="File"/>, from the first line's start to the last one's terminator.</summary>
    public long Start { get; } = start;
    public long End { get; } = end;

    public int Count { get; } = count;

    /// <summary>
    /// Lines that were in the file before TailHub started reading it: history, kept to be read back, but never sent to
    /// viewers as new lines.
    /// </summary>
    public bool Backfill { get; init; }

    public override int SeqCount => Count;
}

/// <summary>Which output of a process a line was written to.</summary>
public enum LineStream : byte
{
    /// <summary>Standard output, and every line that is not a process's (files, pushed lines).</summary>
    Stdout,
    Stderr,
}

public enum NoticeKind
{
    /// <summary>A file began to be followed.</summary>
    Following,
    /// <summary>The watched path has no file (yet, or any more).</summary>
    Waiting,
    /// <summary>The path now names a different file; the old one was read to its end first.</summary>
    Rotated,
    /// <summary>The file shrank below what was read: reading restarts at 0.</summary>
    Truncated,
    /// <summary>A file stopped being followed because it was deleted.</summary>
    Deleted,
    /// <summary>The file could not be read.</summary>
    Error,
    /// <summary>A Jenkins build was queued, started being followed, finished, or was deleted.</summary>
    Build,
    /// <summary>A run of a command or SSH source was queued, started or ended (<see cref="SourceNotice.Run"/> says which and how).</summary>
    Run,
}

/// <summary>A change in what a source is reading, sent to viewers as an event of its own.</summary>
public sealed class SourceNotice(NoticeKind kind, string path, string message, long timestampMs, FileIdentity? identity = null)
    : SourceRecord(timestampMs)
{
    public NoticeKind Kind { get; } = kind;
    public string Path { get; } = path;
    public string Message { get; } = message;

    /// <summary>For <see cref="NoticeKind.Truncated"/>: the file whose earlier content is gone.</summary>
    public FileIdentity? Identity { get; } = identity;

    /// <summary>For <see cref="NoticeKind.Run"/>: the run as it was at this notice.</summary>
    public RunInfo? Run { get; init; }
}
