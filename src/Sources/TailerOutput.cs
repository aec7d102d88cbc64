using TailHub.Pipeline;
using System.Threading.Channels;
using TailHub.Pipeline.Redaction;

namespace TailHub.Sources;

/// <summary>
/// What a file source emits, in order: lines (masked here, once) and notices, held until flushed to the source's
/// channel, and counted for <c>/api/sources</c> and metrics. Every notice is logged once, as it is emitted.
/// </summary>
internal sealed class TailerOutput(string source, ChannelWriter<SourceRecord[]> channel, TimeProvider time, ILogger logger, LineRedactor redactor, SourceCounters counters)
{
    private readonly List<SourceRecord> _pending = [];

    public long LinesRead => counters.Lines;
    public long BytesRead => counters.Bytes;
    public long Rotations => counters.Rotations;
    public long Truncations => counters.Truncations;

    /// <summary>Set by every notice; the tailer rebuilds its status and clears it.</summary>
    public bool StatusChanged { get; set; }

    public void BytesReadFrom(int count) => counters.AddBytes(count);

    /// <summary>Masks and emits the lines split from <paramref name="follower"/>'s file, then clears <paramref name="split"/>.</summary>
    public void Lines(FileFollower follower, List<SplitLine> split)
    {
        if (split.Count == 0) return;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var readAt = time.GetTimestamp();
        var state = follower.Redaction;
        foreach (var line in split)
        {
            // Masked here, once: nothing downstream (backlog, viewers, grep, the API) ever holds the original bytes.
            var before = state;
            var utf8 = redactor.Redact(line.Utf8, ref state);
            _pending.Add(new LogLine(utf8, follower.File, line.Start, line.End, now) { RedactionBefore = before, ReadTimestamp = readAt });
        }
        follower.Redaction = state;
        counters.AddLines(split.Count);
        split.Clear();
    }

    /// <summary>Emits lines counted in bulk.</summary>
    public void Run(LineRun run)
    {
        _pending.Add(run);
        counters.AddLines(run.Count);
    }

    public void Notice(NoticeKind kind, string path, string message, FileIdentity? identity = null)
    {
        StatusChanged = true;
        if (kind == NoticeKind.Rotated) counters.AddRotation();
        else if (kind == NoticeKind.Truncated) counters.AddTruncation();
        _pending.Add(new SourceNotice(kind, path, message, time.GetUtcNow().ToUnixTimeMilliseconds(), identity));
        logger.LogInformation("Source {Source}: {Notice} {Path}: {Message}", source, kind, path, message);
    }

    /// <summary>A file cannot be read: one <c>error</c> notice and one warning (the caller says it once per failure, not per retry).</summary>
    public void Error(string path, string error)
    {
        StatusChanged = true;
        _pending.Add(new SourceNotice(NoticeKind.Error, path, $"cannot read {path}: {error}", time.GetUtcNow().ToUnixTimeMilliseconds()));
        logger.LogWarning("Source {Source}: cannot read {Path}: {Error}", source, path, error);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0) return;
        var chunk = _pending.ToArray();
        _pending.Clear();
        await channel.WriteAsync(chunk, cancellationToken);
    }
}
