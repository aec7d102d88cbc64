using TailHub.Pipeline;
using TailHub.Sources;

namespace TailHub.Tests.Pipeline;

public sealed class BacklogRingTests
{
    private static BacklogRing RingWith(int capacity, int count)
    {
        var ring = new BacklogRing(capacity);
        for (var s = 1; s <= count; s++) ring.Add(new SourceNotice(NoticeKind.Following, "/x", "", 0) { Seq = s });
        return ring;
    }

    [Fact]
    public void The_ring_keeps_only_the_newest_records()
    {
        var ring = RingWith(3, 10);

        var copied = new List<SourceRecord>();
        var first = ring.CopyRange(1, 10, copied);

        Assert.Equal(8, first);
        Assert.Equal([8L, 9, 10], copied.Select(r => r.Seq));
    }

    [Fact]
    public void A_range_older_than_the_ring_reports_that_nothing_of_it_is_held()
    {
        var ring = RingWith(3, 10);

        var copied = new List<SourceRecord>();
        var first = ring.CopyRange(2, 5, copied);

        Assert.Equal(6, first);
        Assert.Empty(copied);
    }

    [Fact]
    public void After_a_clear_only_records_added_since_are_held()
    {
        var ring = RingWith(10, 5);

        ring.Clear();
        ring.Add(new SourceNotice(NoticeKind.Following, "/x", "", 0) { Seq = 100 });
        var copied = new List<SourceRecord>();
        var first = ring.CopyRange(1, 100, copied);

        Assert.Equal(100, first);
        Assert.Equal([100L], copied.Select(r => r.Seq));
    }
}
