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
/// <remarks>Used under the source's writer gate, one chunk at a time.</remarks>
internal sealed class RunRecorder(SourceWriter writer, SpoolFile spool, long maxBytes) : IDisposable
{
    private readonly LineFramer _stdout = writer.Framer(null, stream: LineStream.Stdout);
    private readonly LineFramer _stderr = writer.Framer(null, stream: LineStream.Stderr);

    public SpoolFile Spool => spool;

    /// <summary>Output bytes taken (at most the cap).</summary>
    public long Bytes { get; private set; }

    /// <summary>The cap was reached: what follows is dropped.</summary>
    public bool Cut { get; private set; }

    public static string CutMarker(long maxBytes) =>
        $"[TailHub: this run's output reached MaxRunBytes ({maxBytes:N0} bytes); the rest of it is not kept]";

    /// <summary>Adds bytes the process wrote to <paramref name="stream"/>.</summary>
    public void Write(LineStream stream, ReadOnlySpan<byte> bytes)
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
        writer.FlushPartial(_stdout, spool);
        writer.FlushPartial(_stderr, spool);
    }

    private void Take(LineStream stream, ReadOnlySpan<byte> bytes)
    {
        Bytes += bytes.Length;
        var framer = stream == LineStream.Stderr ? _stderr : _stdout;
        if (stream == LineStream.Stdout && !framer.HasPartialLine && !writer.IsWatched)
        {
            var whole = bytes.LastIndexOf((byte)'\n') + 1;
            if (whole > 0 && writer.SpoolVerbatim(bytes[..whole], spool))
            {
                writer.Spool(framer, bytes[whole..], spool);
                return;
            }
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
