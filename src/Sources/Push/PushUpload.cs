using System.Buffers;
using TailHub.Pipeline;

namespace TailHub.Sources.Push;

/// <summary>
/// One streamed upload into a <see cref="PushSource"/>: frames its own bytes (a line is never mixed with another
/// upload's), and commits its complete lines as each read of the body arrives, so viewers see them before the upload
/// ends.
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
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteAsync(new ReadOnlySequence<byte>(data), cancellationToken);

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    /// <remarks>
    /// Everything one read of the body returned is committed at once: the slower the commits, the more each one
    /// carries, so a fast sender is never held to one spool write per network packet.
    /// </remarks>
    public async ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        if (_skip > 0)
        {
            // The source has these bytes already (a retried upload): they are not taken twice.
            var skipped = Math.Min(_skip, data.Length);
            _skip -= skipped;
            data = data.Slice(skipped);
        }
        if (data.IsEmpty) return;
        _source.Accepted(data.Length);
        var time = _writer.Time;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var read = time.GetTimestamp();
        foreach (var segment in data) _framer.Push(segment.Span, now, read, _lines);
        await CommitAsync(throttled: true, cancellationToken);
    }

    /// <summary>
    /// The body ended (or the client went away): lines still waiting for the rate limit are committed (the source
    /// counted their bytes as accepted), and a partial last line is held for the next upload, or, with
    /// <paramref name="endOfStream"/>, written as a line now. Returns what the upload added.
    /// </summary>
    public async ValueTask<PushResult> CompleteAsync(bool endOfStream, CancellationToken cancellationToken)
    {
        if (!_ended)
        {
            _ended = true;
            try
            {
                await CommitAsync(throttled: false, cancellationToken);
                var before = _writer.LastSeq;
                await _source.EndUploadAsync(_framer, _committedAt, endOfStream, _writer);
                var after = _writer.LastSeq;
                if (endOfStream && after > before) Count(after, after, 1);
            }
            finally
            {
                _source.UploadEnded();
            }
        }
        return _source.Result(_first, _last, _count);
    }

    /// <summary>Commits the framed lines, as many at a time as the writer's rate limit allows.</summary>
    private async ValueTask CommitAsync(bool throttled, CancellationToken cancellationToken)
    {
        while (_lines.Count > 0)
        {
            var wanted = Math.Min(_lines.Count, PushSource.MaxLinesPerCommit);
            var take = throttled ? await _source.AllowanceAsync(Writer, wanted, cancellationToken) : wanted;
            var all = take == _lines.Count;
            // Stream offsets: where the last of these lines ends is what committing them adds to the source's stream.
            var end = all ? _framer.CommittedOffset : ((LogLine)_lines[take - 1]).End;
            var batch = all ? _lines : _lines.GetRange(0, take);
            var (first, last) = await _source.CommitAsync(batch, end - _committedAt, _writer, cancellationToken);
            _committedAt = end;
            Count(first, last, take);
            if (all) _lines.Clear();
            else _lines.RemoveRange(0, take);
        }
    }

    private void Count(long first, long last, int lines)
    {
        _count += lines;
        if (last < first) return;
        _first = Math.Min(_first, first);
        _last = Math.Max(_last, last);
    }
}
