using System.Buffers;
using System.IO.Pipelines;
using System.Text.RegularExpressions;
using TailHub.Configuration;
using TailHub.Observability;
using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.Streaming;

/// <summary>
/// Writes one viewer's stream to its response: the <c>retry</c> hint, its history (backlog or resume), then live
/// frames as they are queued, flushing once per wake-up. Runs until the client goes away.
/// </summary>
public sealed class SseViewerSession(Viewer viewer, PipeWriter output, StreamEpoch epoch, TailHubOptions options, TimeProvider time, ILogger logger, TailHubMetrics? metrics = null)
{
    private const int FlushThresholdBytes = 64 * 1024;

    // Live line events written since the last flush: their delivery time is measured once they are flushed.
    private readonly List<SseFrame> _unflushed = [];

    /// <param name="history">Per source, what comes before the live frames.</param>
    /// <param name="published">Per source, the last sequence number published when the viewer subscribed: the history
    /// ends there and the first live frame starts after it.</param>
    public async Task RunAsync(IReadOnlyList<List<SourceRecord>> history, long[] published, CancellationToken cancellationToken)
    {
        try
        {
            SseFormat.WriteRetry(output, options.ReconnectDelayMs);
            await WriteHistoryAsync(history, cancellationToken);
            for (var i = 0; i < published.Length; i++) viewer.Positions[i] = Math.Max(viewer.Positions[i], published[i]);
            await output.FlushAsync(cancellationToken);
            viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;

            var frames = viewer.Frames;
            while (await frames.WaitToReadAsync(cancellationToken))
            {
                while (frames.TryRead(out var frame))
                {
                    WriteGaps();
                    if (Write(frame) && metrics is not null && frame.ReadTimestamp != 0) _unflushed.Add(frame);
                    if (output.UnflushedBytes >= FlushThresholdBytes)
                    {
                        await output.FlushAsync(cancellationToken);
                        RecordDelivered();
                    }
                }
                WriteGaps();
                var result = await output.FlushAsync(cancellationToken);
                RecordDelivered();
                viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;
                if (result.IsCompleted || result.IsCanceled) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            logger.LogDebug(e, "Viewer connection closed while writing");
        }
    }

    private async Task WriteHistoryAsync(IReadOnlyList<List<SourceRecord>> history, CancellationToken cancellationToken)
    {
        for (var i = 0; i < history.Count; i++)
        {
            var broadcaster = viewer.Sources[i];
            foreach (var frame in broadcaster.Encode(history[i]))
            {
                Write(frame);
                if (output.UnflushedBytes >= FlushThresholdBytes) await output.FlushAsync(cancellationToken);
            }
        }
    }

    private void RecordDelivered()
    {
        foreach (var frame in _unflushed) metrics!.RecordDelivery(frame.Source!.Name, time.GetElapsedTime(frame.ReadTimestamp).TotalSeconds);
        _unflushed.Clear();
    }

    /// <summary>Writes the frame unless it adds nothing for this viewer; true when written.</summary>
    private bool Write(SseFrame frame)
    {
        if (frame.Source is null)
        {
            output.Write(frame.Bytes.AsSpan());
            return true;
        }
        var index = viewer.IndexOf(frame.Source);
        if (index < 0) return false;
        // A frame older than what this viewer has (a late gap, history overlapping a live frame) adds nothing.
        if (frame.LastSeq <= viewer.Positions[index] && frame.LineCount > 0) return false;
        viewer.Positions[index] = Math.Max(viewer.Positions[index], frame.LastSeq);

        if (viewer.Grep is { } grep && frame.Lines is { } lines)
        {
            WriteFiltered(grep, frame.Source.Name, lines);
            return true;
        }
        if (viewer.Sources.Count == 1)
        {
            output.Write(frame.Bytes.AsSpan());
        }
        else
        {
            SseFormat.WriteId(output, epoch.Value, viewer.SourceNames, viewer.Positions);
            output.Write(frame.WithoutId);
        }
        return true;
    }

    private void WriteFiltered(Regex grep, string source, LogLine[] lines)
    {
        var matching = new List<LogLine>();
        foreach (var line in lines)
        {
            try
            {
                if (grep.IsMatch(line.Text)) matching.Add(line);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern against one line: treat as no match rather than stall the stream.
            }
        }
        if (matching.Count == 0)
        {
            SseFormat.WriteIdOnly(output, epoch.Value, viewer.SourceNames, viewer.Positions);
            return;
        }
        SseFormat.WriteId(output, epoch.Value, viewer.SourceNames, viewer.Positions);
        SseFormat.WriteLines(output, source, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(matching));
    }

    private void WriteGaps()
    {
        while (viewer.TryTakeGap(out var index, out var from, out var to))
        {
            viewer.Positions[index] = Math.Max(viewer.Positions[index], to);
            SseFormat.WriteId(output, epoch.Value, viewer.SourceNames, viewer.Positions);
            SseFormat.WriteGap(output, viewer.SourceNames[index], from, to, GapReason.SlowViewer);
        }
    }
}
