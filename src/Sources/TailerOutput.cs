using TailHub.Pipeline;

namespace TailHub.Sources;

/// <summary>
/// What a file source emits, in order, through its <see cref="SourceWriter"/>: lines (framed and masked by each
/// file's framer) and notices, counted for <c>/api/sources</c> and metrics. Every notice is logged once, as it is emitted.
/// </summary>
internal sealed class TailerOutput(string source, SourceWriter writer, ILogger logger, SourceCounters counters)
{
    public long LinesRead => counters.Lines;
    public long BytesRead => counters.Bytes;
    public long Rotations => counters.Rotations;
    public long Truncations => counters.Truncations;

    /// <summary>Set by every notice; the tailer rebuilds its status and clears it.</summary>
    public bool StatusChanged { get; set; }

    public void BytesReadFrom(int count) => counters.AddBytes(count);

    /// <summary>Emits lines a file's framer made, then clears <paramref name="lines"/>.</summary>
    public void Lines(List<SourceRecord> lines)
    {
        if (lines.Count == 0) return;
        writer.AddRange(lines);
        counters.AddLines(lines.Count);
        lines.Clear();
    }

    /// <summary>Emits lines counted in bulk.</summary>
    public void Run(LineRun run)
    {
        writer.Add(run);
        counters.AddLines(run.Count);
    }

    public void Notice(NoticeKind kind, string path, string message, FileIdentity? identity = null)
    {
        StatusChanged = true;
        if (kind == NoticeKind.Rotated) counters.AddRotation();
        else if (kind == NoticeKind.Truncated) counters.AddTruncation();
        writer.Notice(kind, path, message, identity);
        logger.LogInformation("Source {Source}: {Notice} {Path}: {Message}", source, kind, path, message);
    }

    /// <summary>A file cannot be read: one <c>error</c> notice and one warning (the caller says it once per failure, not per retry).</summary>
    public void Error(string path, string error)
    {
        StatusChanged = true;
        writer.Notice(NoticeKind.Error, path, $"cannot read {path}: {error}");
        logger.LogWarning("Source {Source}: cannot read {Path}: {Error}", source, path, error);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);
}
