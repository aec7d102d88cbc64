using TailHub.Pipeline;

namespace TailHub.Sources.Push;

/// <summary>
/// One streamed upload into a <see cref="PushSource"/>: frames its own bytes (a line is never mixed with another
/// upload's), and commits its complete lines as each chunk arrives, so viewers see them before the upload ends.
/// </summary>
public sealed class PushUpload
{
    private readonly PushSource _source;
    private readonly SourceWriter _writer;
    private readonly LineFramer _framer;
    private readonly List<SourceRecord> _lines = [];
    private long _committedAt;
    private long _skip;
    private long _first = long.MaxValue;
    private long _last;
    private long _count;
    private bool _ended;

    internal PushUpload(PushSource source, SourceWriter writer, LineFramer framer, long committedAt, long skip, string writerKey)
    {
        _source = source;
        _writer = writer;
        _framer = framer;
        _committedAt = committedAt;
        _skip = skip;
        Writer = writerKey;
    }

    /// <summary>Who is pushing (for the rate limit).</summary>
    public string Writer { get; }

    /// <summary>Takes the next bytes of the body; the lines they complete are published before this returns.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_skip > 0)
        {
            // The source has these bytes already (a retried upload): they are not taken twice.
            var skipped = (int)Math.Min(_skip, data.Length);
            _skip -= skipped;
            data = data[skipped..];
        }
        if (data.IsEmpty) return;
        _source.Accepted(data.Length);
        var time = _writer.Time;
        _framer.Push(data.Span, time.GetUtcNow().ToUnixTimeMilliseconds(), time.GetTimestamp(), _lines);
        if (_lines.Count == 0) return;
        var committed = _framer.CommittedOffset;
        var (first, last) = await _source.CommitAsync(_lines, committed - _committedAt, Writer, _writer, cancellationToken);
        _committedAt = committed;
        Count(first, last, _lines.Count);
        _lines.Clear();
    }

    /// <summary>
    /// The body ended (or the client went away): a partial last line is held for the next upload, or, with
    /// <paramref name="endOfStream"/>, written as a line now. Returns what the upload added.
    /// </summary>
    public async ValueTask<PushResult> CompleteAsync(bool endOfStream, CancellationToken cancellationToken)
    {
        if (!_ended)
        {
            _ended = true;
            var before = _writer.LastSeq;
            await _source.EndUploadAsync(this, _framer, _committedAt, endOfStream, _writer);
            var after = _writer.LastSeq;
            if (endOfStream && after > before) Count(after, after, 1);
        }
        return _source.Result(_first, _last, _count);
    }

    private void Count(long first, long last, int lines)
    {
        _first = Math.Min(_first, first);
        _last = Math.Max(_last, last);
        _count += lines;
    }
}
