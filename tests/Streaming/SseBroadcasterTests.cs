using System.Text;
using Microsoft.Extensions.Time.Testing;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

public sealed class SseBroadcasterTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-22T12:00:00Z"));
    private readonly CancellationTokenSource _stop = new();
    private readonly SseBroadcaster _broadcaster;
    private readonly Viewer _viewer;
    private readonly Task _running;
    private long _seq;

    public SseBroadcasterTests()
    {
        var options = new TailHubOptions { BatchInterval = TimeSpan.FromMilliseconds(50), BatchMaxLines = 10 };
        var hub = new SourceHub("app", "e", 100, new SourceJournal(100, 1024), _time);
        _broadcaster = new SseBroadcaster(hub, options, _time);
        _viewer = new Viewer([_broadcaster], null, 64, 0);
        _broadcaster.Subscribe(_viewer);
        _running = _broadcaster.RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _running;
    }

    private SourceRecord[] Lines(int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var seq = ++_seq;
            return (SourceRecord)new LogLine(Encoding.UTF8.GetBytes($"line {seq}"), new FileRef("/x", default), 0, 0, 0) { Seq = seq };
        }).ToArray();

    private async Task<SseFrame> NextFrameAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _viewer.Frames.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task A_line_after_a_quiet_spell_is_sent_at_once_without_waiting_for_the_interval()
    {
        _broadcaster.Publish(Lines(1));

        var frame = await NextFrameAsync();

        Assert.Equal((1, 1), (frame.FirstSeq, frame.LastSeq));
    }

    [Fact]
    public async Task Lines_that_keep_coming_are_coalesced_into_one_event_per_interval()
    {
        _broadcaster.Publish(Lines(1));
        await NextFrameAsync();

        _broadcaster.Publish(Lines(1));
        _broadcaster.Publish(Lines(1));
        _broadcaster.Publish(Lines(1));
        // Step the clock until the batch goes out: the broadcaster's timer may be set just before or after a step.
        var elapsed = TimeSpan.Zero;
        SseFrame? frame = null;
        for (var step = 0; step < 100 && frame is null; step++)
        {
            if (_viewer.Frames.TryRead(out frame)) break;
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromMilliseconds(10));
            elapsed += TimeSpan.FromMilliseconds(10);
        }

        Assert.NotNull(frame);
        Assert.Equal((2, 4, 3), (frame.FirstSeq, frame.LastSeq, frame.LineCount));
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(50), $"sent after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_batch_that_reaches_the_size_cap_is_sent_before_the_interval_ends()
    {
        _broadcaster.Publish(Lines(1));
        await NextFrameAsync();

        _broadcaster.Publish(Lines(10));

        var frame = await NextFrameAsync();
        Assert.Equal(10, frame.LineCount);
    }

    [Fact]
    public async Task One_event_is_encoded_once_and_the_same_bytes_go_to_every_viewer()
    {
        var second = new Viewer([_broadcaster], null, 64, 0);
        _broadcaster.Subscribe(second);

        _broadcaster.Publish(Lines(3));

        var first = await NextFrameAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var other = await second.Frames.ReadAsync(timeout.Token);
        Assert.Same(first.Bytes, other.Bytes);
        Assert.Contains("event: app\ndata: {\"source\":\"app\",\"lines\":[{\"seq\":1,", Encoding.UTF8.GetString(first.Bytes));
    }
}

public sealed class SseBroadcasterBackpressureTests
{
    private static SourceRecord[] Lines(int count) => Enumerable.Range(1, count)
        .Select(s => (SourceRecord)new LogLine(Encoding.UTF8.GetBytes($"line {s}"), new FileRef("/x", default), 0, 0, 0) { Seq = s })
        .ToArray();

    [Fact]
    public async Task A_reader_far_ahead_of_the_broadcaster_waits_for_room_instead_of_piling_up_records()
    {
        var time = TimeProvider.System;
        var options = new TailHubOptions { BatchMaxLines = 10 };
        var broadcaster = new SseBroadcaster(new SourceHub("app", "e", 100, new SourceJournal(100, 1024), time), options, time);
        broadcaster.Subscribe(new Viewer([broadcaster], null, 64, 0));
        var records = Lines(50);

        broadcaster.Publish(records);
        var room = broadcaster.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(room.IsCompleted);

        using var stop = new CancellationTokenSource();
        var running = broadcaster.RunAsync(stop.Token);
        await room.WaitAsync(TimeSpan.FromSeconds(5));
        stop.Cancel();
        await running;
        Assert.Equal(50, broadcaster.LastPublishedSeq);
    }

    [Fact]
    public void Records_nobody_watches_are_published_at_once_without_waiting_for_the_broadcaster()
    {
        var time = TimeProvider.System;
        var broadcaster = new SseBroadcaster(new SourceHub("app", "e", 100, new SourceJournal(100, 1024), time), new TailHubOptions { BatchMaxLines = 10 }, time);

        broadcaster.Publish(Lines(50));

        Assert.Equal(50, broadcaster.LastPublishedSeq);
        Assert.True(broadcaster.WaitForRoomAsync(CancellationToken.None).IsCompleted);
    }
}

public sealed class SseBroadcasterManyViewersTests
{
    [Fact]
    public async Task With_more_viewers_than_the_write_budget_allows_per_interval_lines_are_coalesced_for_longer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T12:00:00Z"));
        // 4 viewers at 20 writes a second: one batch every 200 ms at most, not every 50.
        var options = new TailHubOptions { BatchInterval = TimeSpan.FromMilliseconds(50), BatchMaxLines = 100, FanOutWritesPerSecond = 20 };
        var broadcaster = new SseBroadcaster(new SourceHub("app", "e", 100, new SourceJournal(100, 1024), time), options, time);
        var viewers = Enumerable.Range(0, 4).Select(_ => new Viewer([broadcaster], null, 64, 0)).ToList();
        foreach (var v in viewers) broadcaster.Subscribe(v);
        using var stop = new CancellationTokenSource();
        var running = broadcaster.RunAsync(stop.Token);
        long seq = 0;
        SourceRecord[] Line() => [new LogLine(Encoding.UTF8.GetBytes("x"), new FileRef("/x", default), 0, 0, 0) { Seq = ++seq }];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        broadcaster.Publish(Line());
        await viewers[0].Frames.ReadAsync(timeout.Token);
        broadcaster.Publish(Line());
        var elapsed = TimeSpan.Zero;
        SseFrame? frame = null;
        for (var step = 0; step < 100; step++)
        {
            if (viewers[0].Frames.TryRead(out frame)) break;
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(10));
            elapsed += TimeSpan.FromMilliseconds(10);
        }

        stop.Cancel();
        await running;
        Assert.NotNull(frame);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(200), $"sent after {elapsed.TotalMilliseconds} ms");
    }
}

public sealed class SseBroadcasterLineRunTests
{
    [Fact]
    public async Task Lines_counted_in_bulk_are_read_back_from_their_file_for_the_viewers_watching()
    {
        using var folder = new TailHub.Tests.Support.TempFolder();
        var path = folder.PathOf("app.log");
        var texts = Enumerable.Range(1, 500).Select(i => $"line {i}").ToList();
        await File.WriteAllLinesAsync(path, texts);
        var file = new FileRef(path, FileStat.OfPath(path)!.Value.Identity);
        var time = TimeProvider.System;
        var hub = new SourceHub("app", "e", 100, new SourceJournal(100, 1024), time);
        var broadcaster = new SseBroadcaster(hub, new TailHubOptions { BatchMaxLines = 10_000 }, time);
        var viewer = new Viewer([broadcaster], null, 64, 0);
        broadcaster.Subscribe(viewer);
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(broadcaster.RunAsync(stop.Token), hub.RunAsync(broadcaster, stop.Token));

        await hub.Input.WriteAsync([new LineRun(file, 0, new FileInfo(path).Length, texts.Count, 0) { Seq = 1 }]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var frame = await viewer.Frames.ReadAsync(timeout.Token);
        stop.Cancel();
        await running;
        Assert.Equal((1, 500, 500), (frame.FirstSeq, frame.LastSeq, frame.LineCount));
        Assert.Equal(texts, frame.Lines!.Select(l => l.Text));
    }
}
