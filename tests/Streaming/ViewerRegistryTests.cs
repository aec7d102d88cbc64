using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TailHub.Configuration;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

/// <summary>The shared heartbeat timer, on a fake clock: every idle viewer hears from TailHub within the interval.</summary>
public sealed class ViewerRegistryTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static bool HasHeartbeat(Viewer viewer)
    {
        var found = false;
        while (viewer.Frames.TryRead(out var frame)) found |= ReferenceEquals(frame, SseFrame.Heartbeat);
        return found;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2_500)]
    [InlineData(7_499)]
    [InlineData(7_501)]
    [InlineData(14_999)]
    public void An_idle_viewer_gets_its_heartbeat_no_later_than_the_interval_after_its_last_write(int phaseMs)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var registry = new ViewerRegistry(Options.Create(new TailHubOptions { HeartbeatInterval = Interval }), time);
        // The viewer last wrote at an arbitrary moment relative to the timer's ticks.
        time.Advance(TimeSpan.FromMilliseconds(phaseMs));
        var viewer = new Viewer([], null, queueFrames: 16, nowTicks: time.GetUtcNow().UtcTicks);
        registry.Add(viewer);

        time.Advance(Interval * 0.8);
        Assert.False(HasHeartbeat(viewer), "a heartbeat well before the interval is not needed");
        time.Advance(Interval * 0.2);

        Assert.True(HasHeartbeat(viewer), $"no heartbeat {Interval.TotalSeconds} s after the last write");
    }

    [Fact]
    public void Heartbeats_keep_coming_once_per_interval_while_the_viewer_stays_idle()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var registry = new ViewerRegistry(Options.Create(new TailHubOptions { HeartbeatInterval = Interval }), time);
        var viewer = new Viewer([], null, queueFrames: 16, nowTicks: time.GetUtcNow().UtcTicks);
        registry.Add(viewer);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(Interval);
            Assert.True(HasHeartbeat(viewer), $"heartbeat {i + 1} was late");
            // What the session does once it has written the heartbeat.
            viewer.LastWriteTicks = time.GetUtcNow().UtcTicks;
        }
    }

    [Fact]
    public async Task Stopping_ends_every_open_viewer_and_any_that_connects_afterwards()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var registry = new ViewerRegistry(Options.Create(new TailHubOptions { HeartbeatInterval = Interval }), time);
        var open = new Viewer([], null, queueFrames: 16, nowTicks: time.GetUtcNow().UtcTicks);
        registry.Add(open);

        registry.StopAll();
        var late = new Viewer([], null, queueFrames: 16, nowTicks: time.GetUtcNow().UtcTicks);
        registry.Add(late);

        Assert.False(await open.Frames.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await late.Frames.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
