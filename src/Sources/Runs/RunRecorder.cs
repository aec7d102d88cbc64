using System.Text;
using TailHub.Pipeline;
using TailHub.Pipeline.Spool;

namespace TailHub.Sources.Runs;

/// <summary>
/// Turns one run's output into lines of the source: each stream framed on its own (a partial line waits for its
/// own newline, whatever the other stream does), masked, written to the run's spool (standard error tagged), and
/// added to the writer. While nobody watches, whole lines that need no framing or masking go to the spool as they
/// are, as one <see cref="LineRun"/>. Output past <c>MaxRunBytes</c> is dropped after a marker line.
/// </summary>
/// <remarks>
/// Used under the source's writer gate. A pipe read returns what the process has written so far, often a few KiB:
/// consecutive chunks of one stream are gathered (<see cref="Write"/>) and recorded together (<see cref="Commit"/>),
/// so what a chunk costs (a spool write, a record, a look for secrets) is paid per gathered block.
/// </remarks>
internal sealed class RunRecorder(SourceWriter writer, SpoolFile spool, long maxBytes) : IDisposable
{
    private const int GatherBytes = 256 * 1024;

    private readonly LineFramer _stdout = writer.Framer(null, stream: LineStream.Stdout);
    private readonly LineFramer _stderr = writer.Framer(null, stream: LineStream.Stderr);
    private readonly byte[] _gathered = new byte[GatherBytes];
    private int _gatheredLength;
    private LineStream _gatheredStream;

    public SpoolFile Spool => spool;

    /// <summary>Output bytes taken (at most the cap).</summary>
    public long Bytes { get; private set; }

    /// <summary>The cap was reached: what follows is dropped.</summary>
    public bool Cut { get; private set; }

    public static string CutMarker(long maxBytes) =>
        $"[TailHub: this run's output reached MaxRunBytes ({maxBytes:N0} bytes); the rest of it is not kept]";

    /// <summary>Takes bytes the process wrote to <paramref name="stream"/>; they are recorded by the next <see cref="Commit"/> at the latest.</summary>
    public void Write(LineStream stream, ReadOnlySpan<byte> bytes)
    {
        if (_gatheredLength > 0 && (stream != _gatheredStream || _gatheredLength + bytes.Length > GatherBytes)) Commit();
        if (bytes.Length >= GatherBytes)
        {
            Record(stream, bytes);
            return;
        }
        bytes.CopyTo(_gathered.AsSpan(_gatheredLength));
        _gatheredLength += bytes.Length;
        _gatheredStream = stream;
    }

    /// <summary>Records what was taken: its lines are in the spool and added to the writer.</summary>
    public void Commit()
    {
        if (_gatheredLength == 0) return;
        var length = _gatheredLength;
        _gatheredLength = 0;
        Record(_gatheredStream, _gathered.AsSpan(0, length));
    }

    private void Record(LineStream stream, ReadOnlySpan<byte> bytes)
    {
        if (Cut) return;
        var room = maxBytes - Bytes;
        if (bytes.Length > room)
        {
            Take(stream, bytes[..(int)room]);
            CutHere();
            return;
        }
        Take(stream, bytes);
    }

    /// <summary>The run's output ended: partial lines are lines now.</summary>
    public void Finish()
    {
        Commit();
        writer.FlushPartial(_stdout, spool);
        writer.FlushPartial(_stderr, spool);
    }

    private void Take(LineStream stream, ReadOnlySpan<byte> bytes)
    {
        Bytes += bytes.Length;
        var framer = stream == LineStream.Stderr ? _stderr : _stdout;
        if (stream == LineStream.Stdout && !writer.IsWatched)
        {
            // A line a previous chunk began is finished by the framer; the whole lines after it may go as they are.
            if (framer.HasPartialLine)
            {
                var end = bytes.IndexOf((byte)'\n') + 1;
                writer.Spool(framer, bytes[..end], spool);
                bytes = bytes[end..];
            }
            var whole = bytes.LastIndexOf((byte)'\n') + 1;
            if (whole > 0 && writer.SpoolVerbatim(bytes[..whole], spool)) bytes = bytes[whole..];
        }
        writer.Spool(framer, bytes, spool);
    }

    private void CutHere()
    {
        Finish();
        var marker = writer.Framer(null);
        writer.Spool(marker, Encoding.UTF8.GetBytes(CutMarker(maxBytes) + "\n"), spool);
        Cut = true;
    }

    public void Dispose() => spool.Dispose();
}
