using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

public sealed class GrepViewerTests
{
    private static SseFrame Frame(SseBroadcaster source, long seq)
    {
        var line = new LogLine(Encoding.UTF8.GetBytes($"line {seq}"), new FileRef("/x", default), 0, 0, 0) { Seq = seq };
        return source.Encode([line]).Single();
    }

    private static (Viewer Viewer, SseBroadcaster Source) IdleAttachedViewer(Regex? grep)
    {
        var options = new TailHubOptions();
        var source = new SseBroadcaster(new SourceHub("app", "e", 10, new SourceJournal(10, 1024), TimeProvider.System), options, TimeProvider.System);
        var viewer = new Viewer([source], grep, queueFrames: 16, nowTicks: 0);
        var session = new SseViewerSession(viewer, new Pipe().Writer, options, TimeProvider.System, NullLogger.Instance);
        viewer.Attach(session);
        return (viewer, source);
    }

    [Fact]
    public void An_idle_viewer_without_grep_is_written_to_directly()
    {
        var (viewer, source) = IdleAttachedViewer(grep: null);

        viewer.Offer(Frame(source, 1));

        Assert.Equal(0, viewer.Frames.Count);
    }

    [Fact]
    public void A_grep_viewer_is_never_filtered_on_the_publishers_thread_its_frames_are_queued_for_its_own_loop()
    {
        var (viewer, source) = IdleAttachedViewer(new Regex("line", RegexOptions.NonBacktracking));

        viewer.Offer(Frame(source, 1));

        Assert.Equal(1, viewer.Frames.Count);
    }
}
