using System.Text;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

public sealed class ViewerTests
{
    private static SseFrame Frame(SseBroadcaster source, long first, long last)
    {
        var lines = Enumerable.Range((int)first, (int)(last - first + 1))
            .Select(s => new LogLine(Encoding.UTF8.GetBytes($"line {s}"), new FileRef("/x", default), 0, 0, 0) { Seq = s })
            .ToArray<SourceRecord>();
        return source.Encode(lines).Single();
    }

    [Fact]
    public void A_full_queue_drops_its_oldest_frames_and_remembers_them_as_one_gap()
    {
        var source = new SseBroadcaster(new SourceHub("app", "e", 10, new SourceJournal(10, 1024), TimeProvider.System), new TailHubOptions(), TimeProvider.System);
        var viewer = new Viewer([source], null, queueFrames: 2, nowTicks: 0);

        for (var i = 0; i < 5; i++) viewer.Offer(Frame(source, i * 10 + 1, i * 10 + 10));

        Assert.True(viewer.TryTakeGap(out var index, out var from, out var to));
        Assert.Equal((0, 1L, 30L), (index, from, to));
        Assert.Equal(30, viewer.DroppedLines);
        Assert.True(viewer.Frames.TryRead(out var kept));
        Assert.Equal(31, kept.FirstSeq);
        Assert.False(viewer.TryTakeGap(out _, out _, out _));
    }
}
