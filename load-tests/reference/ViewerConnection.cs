using System.Buffers;
using System.IO.Pipelines;

namespace TailHub.Reference;

/// <summary>
/// One open stream. A frame is written and flushed on the caller's thread when the previous flush is done; while
/// one is pending (the client is behind) frames wait in order and the flush's continuation writes them. This is the
/// least Kestrel allows: one writer at a time per response, nothing written after the response ended.
/// </summary>
public sealed class ViewerConnection(PipeWriter writer)
{
    private readonly Lock _lock = new();
    private Queue<byte[]>? _waiting;
    private bool _busy;
    private bool _gone;
    private TaskCompletionSource? _idle;

    public void Send(byte[] frame)
    {
        lock (_lock)
        {
            if (_gone) return;
            if (_busy)
            {
                (_waiting ??= new Queue<byte[]>()).Enqueue(frame);
                return;
            }
            _busy = true;
        }
        Write(frame);
    }

    /// <summary>Until the client goes away; then waits for a write in progress, so the response is never written after it ends.</summary>
    public async Task WaitUntilGoneAsync(CancellationToken aborted)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (aborted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), gone))
        {
            await gone.Task;
        }
        Task? idle = null;
        lock (_lock)
        {
            _gone = true;
            if (_busy) idle = (_idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        if (idle is not null) await idle;
    }

    private void Write(byte[] frame)
    {
        while (true)
        {
            ValueTask<FlushResult> flush;
            try
            {
                writer.Write(frame);
                flush = writer.FlushAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
            {
                EndWrites();
                return;
            }
            if (!flush.IsCompleted)
            {
                _ = AfterFlushAsync(flush);
                return;
            }
            if (flush.Result.IsCompleted || !TryNext(out frame)) return;
        }
    }

    private async Task AfterFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            if ((await flush).IsCompleted)
            {
                EndWrites();
                return;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            EndWrites();
            return;
        }
        if (TryNext(out var frame)) Write(frame);
    }

    private bool TryNext(out byte[] frame)
    {
        lock (_lock)
        {
            if (!_gone && _waiting is { Count: > 0 })
            {
                frame = _waiting.Dequeue();
                return true;
            }
            _busy = false;
            _idle?.TrySetResult();
            frame = [];
            return false;
        }
    }

    private void EndWrites()
    {
        lock (_lock)
        {
            _gone = true;
            _busy = false;
            _waiting = null;
            _idle?.TrySetResult();
        }
    }
}
