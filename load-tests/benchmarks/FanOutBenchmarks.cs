using BenchmarkDotNet.Attributes;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.Benchmarks;

/// <summary>
/// Handing one encoded frame to every viewer's queue, as SseBroadcaster.Send does, and each viewer taking it off
/// again (its session's read). Reported per viewer, for 1,000 and 10,000 viewers (the second no longer fits in
/// cache). The "full queue" case is slow viewers: every offer drops the oldest frame and records a gap.
/// Divide by lines per frame for the cost per (viewer, line): 50 lines here, as at 1,000 lines/s.
/// </summary>
public class FanOutBenchmarks
{
    private const int Few = 1000;
    private const int Many = 10000;
    private Viewer[] _few = [], _many = [], _full = [];
    private SseFrame _frame = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TailHubOptions();
        var hub = new SourceHub("load", "bench001", options.BacklogLines, new SourceJournal(options.JournalSegments, options.MaxLineBytes), TimeProvider.System);
        var broadcaster = new SseBroadcaster(hub, options, TimeProvider.System);
        _frame = broadcaster.Encode([.. Records.Lines(50)]).Single();
        _few = NewViewers(broadcaster, Few, options.ViewerQueueBatches);
        _many = NewViewers(broadcaster, Many, options.ViewerQueueBatches);
        _full = NewViewers(broadcaster, Few, options.ViewerQueueBatches);
        foreach (var v in _full)
            for (var i = 0; i < options.ViewerQueueBatches; i++) v.Offer(_frame);
    }

    private static Viewer[] NewViewers(SseBroadcaster broadcaster, int count, int queue) =>
        [.. Enumerable.Range(0, count).Select(_ => new Viewer([broadcaster], null, queue, DateTime.UtcNow.Ticks))];

    [Benchmark(OperationsPerInvoke = Few, Description = "Offer + TryRead, 1,000 viewers, per viewer")]
    public int OfferAndTakeFew() => OfferAndTake(_few);

    [Benchmark(OperationsPerInvoke = Many, Description = "Offer + TryRead, 10,000 viewers, per viewer")]
    public int OfferAndTakeMany() => OfferAndTake(_many);

    [Benchmark(OperationsPerInvoke = Few, Description = "Offer to a full queue (drop oldest + gap), per viewer")]
    public int OfferToFull()
    {
        foreach (var v in _full) v.Offer(_frame);
        // Take the gap each time so the gap bookkeeping stays as it is in a live session.
        var gaps = 0;
        foreach (var v in _full) if (v.TryTakeGap(out _, out _, out _)) gaps++;
        return gaps;
    }

    private int OfferAndTake(Viewer[] viewers)
    {
        var taken = 0;
        foreach (var v in viewers) v.Offer(_frame);
        foreach (var v in viewers) if (v.Frames.TryRead(out _)) taken++;
        return taken;
    }
}
