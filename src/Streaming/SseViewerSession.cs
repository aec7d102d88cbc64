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
/// frames. Runs until the client goes away.
/// </summary>
/// <remarks>
/// A live frame is written straight from the publishing thread when the viewer is idle (nothing queued, its last
/// flush done): no thread hop per viewer per frame, which is most of the cost of fanning out to thousands. A viewer
/// that is busy or behind gets the frame through its bounded queue instead, drained by this session's loop. One gate
/// keeps the two from ever writing at once, and the order of frames is kept because the direct path is only taken
/// while the queue is empty. A viewer with a <c>grep</c> or a <c>level</c> never takes the direct path: its filter runs
/// here, in its own loop (a <c>grep</c> within its <see cref="GrepBudget"/>), and stops when the client leaves.
/// </remarks>
public sealed class SseViewerSession(Viewer viewer, PipeWriter output, TailHubOptions options, TimeProvider time, ILogger logger, TailHubMetrics? metrics = null)
{
    private const int FlushThresholdBytes = 64 * 1024;

    // Live line events written by the session loop since its last flush: their delivery time is measured once flushed.
    private readonly List<SseFrame> _unflushed = [];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly GrepBudget? _grepBudget = viewer.Grep is null ? null : new GrepBudget(time, options.GrepBudget);
    private bool _closed;

    /// <param name="history">Per source, what comes before the live frames.</param>
    /// <param name="published">Per source, the last sequence number published when the viewer subscribed: the history
    /// ends there and the first live frame starts after it.</param>
    public async Task RunAsync(IReadOnlyList<List<SourceRecord>> history, long[] published, CancellationToken cancellationToken)
    {
        try
        {
            SseFormat.WriteRetry(output, options.ReconnectDelayMs);
            await WriteHistoryAsync(history, cancellationToken);
            // The caller's frame keeps these lists for the whole connection: let the backlog they point at go now.
            foreach (var records in history)
            {
                records.Clear();
                records.TrimExcess();
            }
            for (var i = 0; i < published.Length; i++) viewer.Positions[i] = Math.Max(viewer.Positions[i], published[i]);
            await output.FlushAsync(cancellationToken);
            viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;
            viewer.Attach(this);

            // One registration for the whole stream, not one per wait: the client leaving completes the queue, which
            // ends the loop once what is queued has been tried.
            using var leaving = cancellationToken.UnsafeRegister(static state => ((Viewer)state!).Complete(), viewer);
            var frames = viewer.Frames;
            while (await frames.WaitToReadAsync(CancellationToken.None))
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    if (_closed) return;
                    while (frames.TryRead(out var frame))
                    {
                        WriteGaps();
                        if (await WriteAsync(frame, cancellationToken) && metrics is not null && frame.ReadTimestamp != 0) _unflushed.Add(frame);
                        if (output.UnflushedBytes >= FlushThresholdBytes)
                        {
                            var flushed = await output.FlushAsync(cancellationToken);
                            RecordDelivered();
                            if (flushed.IsCompleted || flushed.IsCanceled) return;
                        }
                    }
                    WriteGaps();
                    var result = await output.FlushAsync(cancellationToken);
                    RecordDelivered();
                    viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;
                    if (result.IsCompleted || result.IsCanceled) return;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            logger.LogDebug(e, "Viewer connection closed while writing");
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>
    /// Writes a live frame now if this viewer is idle; false means it must be queued. Called by publishers.
    /// </summary>
    public bool TryWriteNow(SseFrame frame)
    {
        if (!_gate.Wait(0)) return false;
        var handedOver = false;
        try
        {
            if (_closed || viewer.HasPending) return false;
            var measured = Write(frame) && metrics is not null && frame.ReadTimestamp != 0;
            var flush = output.FlushAsync();
            if (flush.IsCompleted)
            {
                if (flush.Result.IsCompleted || flush.Result.IsCanceled) _closed = true;
                else if (measured) RecordDelivered(frame);
            }
            else
            {
                // The client is not keeping up: keep the gate until its buffer drains; meanwhile frames queue.
                handedOver = true;
                _ = ReleaseAfterFlushAsync(flush, measured ? frame : null);
            }
            viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The response ended under us; the session loop is finishing and will unsubscribe this viewer.
            _closed = true;
            return true;
        }
        finally
        {
            if (!handedOver) _gate.Release();
        }
    }

    /// <summary>Gives up the write waiting on the client, if any (the server is stopping); the stream then ends.</summary>
    public void CancelPendingFlush() => output.CancelPendingFlush();

    private async Task ReleaseAfterFlushAsync(ValueTask<FlushResult> flush, SseFrame? measured)
    {
        try
        {
            var result = await flush;
            if (result.IsCompleted || result.IsCanceled) _closed = true;
            else if (measured is not null) RecordDelivered(measured);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            _closed = true;
        }
        finally
        {
            _gate.Release();
            // Frames that queued while the flush was pending are the session loop's to write; it is already woken.
        }
    }

    private async Task CloseAsync()
    {
        viewer.Detach();
        await _gate.WaitAsync();
        _closed = true;
        _gate.Release();
    }

    private async Task WriteHistoryAsync(IReadOnlyList<List<SourceRecord>> history, CancellationToken cancellationToken)
    {
        // Several sources interleave by read time, as their live lines do.
        foreach (var (source, records) in HistoryMerge.InReadOrder(history))
        {
            foreach (var frame in viewer.Broadcasters[source].Encode(records))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await WriteAsync(frame, cancellationToken);
                if (output.UnflushedBytes >= FlushThresholdBytes) await output.FlushAsync(cancellationToken);
            }
        }
    }

    private void RecordDelivered()
    {
        foreach (var frame in _unflushed) RecordDelivered(frame);
        _unflushed.Clear();
    }

    private void RecordDelivered(SseFrame frame) =>
        metrics!.RecordDelivery(frame.Source!.Name, time.GetElapsedTime(frame.ReadTimestamp).TotalSeconds);

    /// <summary>Writes the frame, through the viewer's filter if it has one, unless it adds nothing; true when written.</summary>
    private async ValueTask<bool> WriteAsync(SseFrame frame, CancellationToken cancellationToken)
    {
        if (!viewer.Filters || frame.Lines is not { } lines) return Write(frame);
        if (!Advance(frame)) return false;
        await WriteFilteredAsync(viewer.Grep, viewer.MinLevel, frame.Source!.Name, lines, cancellationToken);
        return true;
    }

    /// <summary>Moves the viewer's position past the frame; false when the frame adds nothing for it.</summary>
    private bool Advance(SseFrame frame)
    {
        var index = viewer.IndexOf(frame.Source!);
        if (index < 0) return false;
        // A frame older than what this viewer has (a late gap, history overlapping a live frame) adds nothing.
        if (frame.LastSeq <= viewer.Positions[index] && frame.LineCount > 0) return false;
        viewer.Positions[index] = Math.Max(viewer.Positions[index], frame.LastSeq);
        return true;
    }

    /// <summary>Writes the frame unless it adds nothing for this viewer; true when written. Never filters.</summary>
    private bool Write(SseFrame frame)
    {
        if (frame.Source is null)
        {
            output.Write(frame.Bytes.AsSpan());
            return true;
        }
        if (!Advance(frame)) return false;
        if (frame.GapReason is { } reason) metrics?.CountGap(frame.Source.Name, reason);
        if (viewer.Broadcasters.Count == 1)
        {
            output.Write(frame.Bytes.AsSpan());
        }
        else
        {
            SseFormat.WriteId(output, viewer.SourceNames, viewer.Epochs, viewer.Positions);
            output.Write(frame.WithoutId);
        }
        return true;
    }

    /// <summary>
    /// The lines at <paramref name="minLevel"/> or above (a comparison per line) that match <paramref name="grep"/>,
    /// within the viewer's <see cref="GrepBudget"/>: over it, the loop waits (its queue, not anyone else's, fills
    /// meanwhile). Ends at once when the viewer leaves, even in the middle of a long backlog.
    /// </summary>
    private async ValueTask WriteFilteredAsync(Regex? grep, LineLevel minLevel, string source, LogLine[] lines, CancellationToken cancellationToken)
    {
        var matching = new List<LogLine>();
        foreach (var line in lines)
        {
            // A line whose level is unknown is below every level asked for.
            if (line.Level < minLevel) continue;
            if (grep is null)
            {
                matching.Add(line);
                continue;
            }
            var budget = _grepBudget!;
            if (budget.WaitNeeded() is var wait && wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var started = time.GetTimestamp();
            try
            {
                if (grep.IsMatch(line.Text)) matching.Add(line);
            }
            catch (RegexMatchTimeoutException)
            {
                // Undecided within GrepTimeout: better one line too many than a matching line lost.
                matching.Add(line);
            }
            budget.Spend(time.GetElapsedTime(started));
        }
        if (matching.Count == 0)
        {
            SseFormat.WriteIdOnly(output, viewer.SourceNames, viewer.Epochs, viewer.Positions);
            return;
        }
        SseFormat.WriteId(output, viewer.SourceNames, viewer.Epochs, viewer.Positions);
        SseFormat.WriteLines(output, source, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(matching));
    }

    private void WriteGaps()
    {
        while (viewer.TryTakeGap(out var index, out var from, out var to))
        {
            viewer.Positions[index] = Math.Max(viewer.Positions[index], to);
            SseFormat.WriteId(output, viewer.SourceNames, viewer.Epochs, viewer.Positions);
            SseFormat.WriteGap(output, viewer.SourceNames[index], from, to, GapReason.SlowViewer);
            metrics?.CountGap(viewer.SourceNames[index], GapReason.SlowViewer);
        }
    }
}
