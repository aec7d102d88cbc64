using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.Benchmarks;

/// <summary>
/// One viewer's side of a live frame: queued, picked up by its <see cref="SseViewerSession"/> (a thread-pool wake-up),
/// copied into the response pipe and flushed, then read by the "socket". Measured as a ping-pong, one frame at a
/// time, which is what every viewer does for every batch at moderate rates: the wake-up and flush, not the copy,
/// are the cost. Reported per frame; a 50-line frame at 1,000 lines/s.
/// </summary>
public class SessionWriteBenchmarks
{
    private const int Frames = 200;
    private Viewer _viewer = null!;
    private SseFrame _frame = null!;
    private Pipe _pipe = null!;
    private CancellationTokenSource _stop = null!;
    private Task _session = Task.CompletedTask;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TailHubOptions();
        var hub = new SourceHub("load", "bench001", options.BacklogLines, new SourceJournal(options.JournalSegments, options.MaxLineBytes), TimeProvider.System);
        var broadcaster = new SseBroadcaster(hub, options, TimeProvider.System);
        _frame = broadcaster.Encode([.. Records.Lines(50)]).Single();
        _viewer = new Viewer([broadcaster], null, options.ViewerQueueBatches, DateTime.UtcNow.Ticks);
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        _stop = new CancellationTokenSource();
        var session = new SseViewerSession(_viewer, _pipe.Writer, options, TimeProvider.System, NullLogger.Instance);
        _session = session.RunAsync([[]], [0], _stop.Token);
        // The retry hint and first flush.
        var first = _pipe.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        _pipe.Reader.AdvanceTo(first.Buffer.End);
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "Offer → session write + flush → read, per frame")]
    public async Task<long> PingPong()
    {
        long total = 0;
        for (var i = 0; i < Frames; i++)
        {
            // The session skips frames older than what it sent; rewind so the same frame counts as new.
            _viewer.Positions[0] = 0;
            _viewer.Offer(_frame);
            var want = _frame.Bytes.Length;
            while (want > 0)
            {
                var result = await _pipe.Reader.ReadAsync();
                want -= (int)result.Buffer.Length;
                total += result.Buffer.Length;
                _pipe.Reader.AdvanceTo(result.Buffer.End);
            }
        }
        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _viewer.Complete();
        _session.Wait(TimeSpan.FromSeconds(5));
    }
}
