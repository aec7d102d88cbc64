using System.Text;
using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

/// <summary>A viewer's queue: one reader waiting, many publishers, oldest dropped when full, completion and cancellation.</summary>
public sealed class ViewerQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly SseBroadcaster _source = new(new SourceHub("app", "e", 10, new SourceJournal(10, 1024), TimeProvider.System), new TailHubOptions(), TimeProvider.System);

    private SseFrame Frame(long seq) =>
        _source.Encode([new LogLine(Encoding.UTF8.GetBytes($"line {seq}"), new FileRef("/x", default), 0, 0, 0) { Seq = seq }]).Single();

    private Viewer NewViewer(int queueFrames = 8) => new([_source], null, queueFrames, nowTicks: 0);

    [Fact]
    public async Task A_waiting_reader_is_woken_by_the_next_frame()
    {
        var viewer = NewViewer();
        var waiting = viewer.Frames.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        viewer.Offer(Frame(1));

        Assert.True(await waiting.WaitAsync(Timeout));
        Assert.True(viewer.Frames.TryRead(out var frame));
        Assert.Equal(1, frame.FirstSeq);
    }

    [Fact]
    public void Frames_are_read_in_the_order_they_were_offered_across_the_ring_growing()
    {
        var viewer = NewViewer(queueFrames: 64);
        for (var seq = 1; seq <= 3; seq++) viewer.Offer(Frame(seq));
        Assert.True(viewer.Frames.TryRead(out _));
        for (var seq = 4; seq <= 40; seq++) viewer.Offer(Frame(seq));

        var read = new List<long>();
        while (viewer.Frames.TryRead(out var frame)) read.Add(frame.FirstSeq);

        Assert.Equal(Enumerable.Range(2, 39).Select(s => (long)s), read);
        Assert.Equal(0, viewer.Frames.Count);
    }

    [Fact]
    public async Task Completion_lets_the_reader_finish_what_is_queued_and_then_ends_its_wait()
    {
        var viewer = NewViewer();
        viewer.Offer(Frame(1));
        viewer.Complete();
        viewer.Offer(Frame(2));

        Assert.True(await viewer.Frames.WaitToReadAsync());
        Assert.True(viewer.Frames.TryRead(out var frame));
        Assert.Equal(1, frame.FirstSeq);
        Assert.False(await viewer.Frames.WaitToReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Completing_an_empty_queue_ends_a_pending_wait_with_false()
    {
        var viewer = NewViewer();
        var waiting = viewer.Frames.WaitToReadAsync().AsTask();

        viewer.Complete();

        Assert.False(await waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_the_next_wait_still_gets_frames()
    {
        var viewer = NewViewer();
        using var cancel = new CancellationTokenSource();
        var waiting = viewer.Frames.WaitToReadAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
        var next = viewer.Frames.WaitToReadAsync().AsTask();
        viewer.Offer(Frame(1));
        Assert.True(await next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Reading_through_the_channel_api_waits_for_the_frame()
    {
        var viewer = NewViewer();
        var reading = viewer.Frames.ReadAsync().AsTask();

        viewer.Offer(Frame(7));

        Assert.Equal(7, (await reading.WaitAsync(Timeout)).FirstSeq);
    }

    [Fact]
    public async Task Publishers_on_many_threads_lose_nothing_when_the_queue_has_room()
    {
        const int Writers = 4, PerWriter = 500;
        var viewer = NewViewer(queueFrames: Writers * PerWriter);
        var frames = Enumerable.Range(1, Writers * PerWriter).Select(s => Frame(s)).ToArray();
        var read = new List<long>();
        var reader = Task.Run(async () =>
        {
            while (await viewer.Frames.WaitToReadAsync())
            {
                while (viewer.Frames.TryRead(out var frame)) read.Add(frame.FirstSeq);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++) viewer.Offer(frames[w * PerWriter + i]);
        })));
        viewer.Complete();
        await reader.WaitAsync(Timeout);

        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(s => (long)s), read.Order());
        Assert.Equal(0, viewer.DroppedLines);
    }

    [Fact]
    public void A_second_reader_waiting_at_once_is_refused()
    {
        var viewer = NewViewer();
        _ = viewer.Frames.WaitToReadAsync();

        Assert.Throws<InvalidOperationException>(() => viewer.Frames.WaitToReadAsync());
    }
}
