using System.Text;
using System.Threading.Channels;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Streaming;

namespace TailHub.Tests.Pipeline;

/// <summary>
/// Records numbered elsewhere (a hub's mirror of an agent's stream) go through the writer with their own numbers,
/// and the hub's memory and history stay right when such a sequence has holes, declared as gaps.
/// </summary>
public sealed class ForwardedRecordsTests
{
    private static LogLine Line(long seq, string text = "x") => new(Encoding.UTF8.GetBytes(text), null, 0, 0, 0) { Seq = seq };

    private static (SourceWriter Writer, ChannelReader<SourceRecord[]> Hub) Writer(long lastSeq)
    {
        var channel = Channel.CreateUnbounded<SourceRecord[]>();
        return (new SourceWriter("app", channel.Writer, lastSeq, 1024, LineRedactor.None, TimeProvider.System, () => false), channel.Reader);
    }

    [Fact]
    public async Task Forwarded_records_keep_their_sequence_numbers()
    {
        var (writer, hub) = Writer(lastSeq: 41);

        var (first, last) = await writer.ForwardAsync([Line(42), Line(43)], default);

        Assert.Equal((42L, 43L), (first, last));
        Assert.Equal(43, writer.LastSeq);
        Assert.True(hub.TryRead(out var chunk));
        Assert.Equal([42L, 43], chunk.Select(r => r.Seq));
    }

    [Fact]
    public async Task Records_the_writer_already_has_are_skipped_and_a_gap_begun_before_them_is_cut()
    {
        var (writer, hub) = Writer(lastSeq: 10);

        await writer.ForwardAsync([Line(9), Line(10), new SequenceGap(8, 12, GapReason.Unpublished, 0), Line(13)], default);

        Assert.True(hub.TryRead(out var chunk));
        var gap = Assert.IsType<SequenceGap>(chunk[0]);
        Assert.Equal((11L, 12L), (gap.From, gap.To));
        Assert.Equal(13, chunk[1].Seq);
    }

    [Fact]
    public async Task A_hole_not_declared_as_a_gap_is_refused()
    {
        var (writer, _) = Writer(lastSeq: 10);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.ForwardAsync([Line(12)], default).AsTask());
        Assert.Equal(10, writer.LastSeq);
    }

    [Fact]
    public async Task A_hub_fed_a_gap_serves_history_around_it_from_memory_and_asks_its_history_for_the_gap()
    {
        var hub = new SourceHub("app", "e", 100, new SourceJournal(100, 1024), TimeProvider.System, lastSeq: 0);
        var sink = new CollectingSink();
        using var stop = new CancellationTokenSource();
        var running = hub.RunAsync(sink, stop.Token);
        var published = sink.Awaiting(9);
        await hub.Input.WriteAsync([Line(1, "a"), Line(2, "b"), new SequenceGap(3, 7, GapReason.Expired, 0), Line(8, "c"), Line(9, "d")]);
        await published;

        var after = hub.History(7, 9);
        var across = hub.History(1, 9);

        Assert.Equal(["c", "d"], after.Cast<LogLine>().Select(l => l.Text));
        Assert.Equal([2L, 7, 8, 9], across.Select(r => r.LastSeq));
        var gap = Assert.IsType<SequenceGap>(across[1]);
        Assert.Equal((3L, 7L), (gap.From, gap.To));
        stop.Cancel();
        await running;
    }

    [Fact]
    public void A_broadcaster_starts_where_its_hub_was_restored_to()
    {
        var hub = new SourceHub("app", "e", 10, new SourceJournal(16, 1024), TimeProvider.System, lastSeq: 500);

        var broadcaster = new SseBroadcaster(hub, new TailHub.Configuration.TailHubOptions(), TimeProvider.System);

        Assert.Equal(500, broadcaster.LastPublishedSeq);
    }

    private sealed class CollectingSink : ISequencedRecordSink
    {
        private readonly TaskCompletionSource<long> _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _awaited = long.MaxValue;

        public void Publish(SourceRecord[] records)
        {
            if (records[^1].LastSeq >= Interlocked.Read(ref _awaited)) _published.TrySetResult(records[^1].LastSeq);
        }

        public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        /// <summary>Set before the records are written: completes once the hub has published <paramref name="seq"/>.</summary>
        public Task Awaiting(long seq)
        {
            Interlocked.Exchange(ref _awaited, seq);
            return _published.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
