using TailHub.Sources;

namespace TailHub.Pipeline.Spool;

/// <summary>
/// A file TailHub writes for a source whose lines exist nowhere else (pushed lines, a build's console, a run's
/// output): the lines as viewers saw them, masked, one per line ending in <c>\n</c>. Lines read back from it are the
/// lines that were published, with the same sequence numbers, because the journal points into it as it points into
/// tailed files (<see cref="FileRef.Spooled"/>: they are not masked again).
/// </summary>
public sealed class SpoolFile : IDisposable
{
    private readonly FileStream _stream;

    private SpoolFile(string path, FileStream stream, FileRef file)
    {
        Path = path;
        _stream = stream;
        File = file;
    }

    public string Path { get; }

    /// <summary>The spool as lines' <see cref="LogLine.File"/> name it.</summary>
    public FileRef File { get; }

    /// <summary>Bytes written (and flushed) so far.</summary>
    public long Length => _stream.Length;

    /// <summary>
    /// Opens or creates the spool at <paramref name="path"/>. With <paramref name="validLength"/>, bytes past it (lines
    /// written before a crash whose writing was never recorded) are cut off, because their source sends them again.
    /// </summary>
    public static SpoolFile Open(string path, long? validLength = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        if (validLength is { } valid && stream.Length > valid) stream.SetLength(valid);
        stream.Seek(0, SeekOrigin.End);
        var identity = FileStat.OfHandle(stream.SafeFileHandle, path)?.Identity ?? default;
        return new SpoolFile(path, stream, new FileRef(path, identity, Spooled: true));
    }

    /// <summary>
    /// Appends the lines of <paramref name="framed"/> from index <paramref name="from"/> on, each as its text and a
    /// <c>\n</c> (after its <see cref="StreamTag"/>s: standard error, a given level), and replaces each with the same line placed
    /// in the spool (where it will be read back from). Notices are left as they are. The bytes are flushed before this
    /// returns, so a reader finds them.
    /// </summary>
    public void Append(List<SourceRecord> framed, int from = 0)
    {
        var position = _stream.Length;
        for (var i = from; i < framed.Count; i++)
        {
            if (framed[i] is not LogLine line) continue;
            var tags = 0;
            if (line.Stream == LineStream.Stderr)
            {
                _stream.WriteByte(StreamTag.Stderr);
                tags++;
            }
            if (line.LevelGiven)
            {
                _stream.WriteByte(StreamTag.Level(line.Level));
                tags++;
            }
            _stream.Write(line.Utf8);
            _stream.WriteByte((byte)'\n');
            var end = position + tags + line.Utf8.Length + 1;
            line.PlaceIn(File, position, end);
            position = end;
        }
        _stream.Flush();
    }

    /// <summary>
    /// Appends whole lines that are already exactly as the spool keeps them (valid UTF-8, <c>\n</c> ends, nothing to
    /// mask or cut: see <see cref="VerbatimLines"/>) and returns where they start; flushed before this returns.
    /// </summary>
    public long AppendVerbatim(ReadOnlySpan<byte> lines)
    {
        var start = _stream.Length;
        _stream.Write(lines);
        _stream.Flush();
        return start;
    }

    /// <summary>Empties the spool (its source's content was replaced, e.g. a Jenkins log restarted at 0).</summary>
    public void Clear()
    {
        _stream.SetLength(0);
        _stream.Seek(0, SeekOrigin.Begin);
    }

    public void Dispose() => _stream.Dispose();
}
