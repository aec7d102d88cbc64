using System.Buffers;
using System.Text;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Pipeline.Structure;
using TailHub.Sources;
using TailHub.Streaming;
using TailHub.Tests.Support;

namespace TailHub.Tests.Streaming;

/// <summary>
/// The bytes of <c>/api/stream</c>, pinned in <c>wire-format.golden.txt</c>: event names, ids and JSON shapes are what
/// browsers and scripts parse, so any change to them shows up here as a diff to review, not as a surprise to users.
/// Set <c>TAILHUB_UPDATE_GOLDEN=1</c> to rewrite the file after an intended change.
/// </summary>
public sealed class WireFormatTests
{
    private static readonly string GoldenPath = Path.Combine(TailHubServer.RepositoryRoot, "tests", "Streaming", "wire-format.golden.txt");

    private static string Render()
    {
        var hub = new SourceHub("app", "5eed0001", 10, new SourceJournal(16, 1024), TimeProvider.System);
        var broadcaster = new SseBroadcaster(hub, new TailHubOptions(), TimeProvider.System);
        var file = new FileRef("/var/log/app.log", new FileIdentity(0xfe00, 0x1234));
        var ts = 1_796_000_000_000;
        var records = new List<SourceRecord>
        {
            new LogLine("GET /orders 200"u8.ToArray(), file, 0, 16, ts) { Seq = 1 },
            new LogLine("disk almost full"u8.ToArray(), file, 16, 33, ts + 1) { Seq = 2, Level = LineLevel.Warn },
            new LogLine(Encoding.UTF8.GetBytes("quotes \" and \\ and tab\t and <b>é ✓</b> \u001b[31mred\u001b[0m"), file, 33, 90, ts + 2) { Seq = 3 },
            new SourceNotice(NoticeKind.Rotated, "/var/log/app.log", "/var/log/app.log was rotated; following the new file", ts + 3) { Seq = 4 },
            new SourceNotice(NoticeKind.Truncated, "/var/log/app.log", "/var/log/app.log was truncated; reading from its start", ts + 4) { Seq = 5 },
            new SourceNotice(NoticeKind.Following, "/var/log/app.log", "following /var/log/app.log", ts + 5) { Seq = 6 },
            new SourceNotice(NoticeKind.Waiting, "/var/log/app.log", "waiting for /var/log/app.log to exist", ts + 6) { Seq = 7 },
            new SourceNotice(NoticeKind.Error, "/var/log/app.log", "cannot read /var/log/app.log: Permission denied", ts + 7) { Seq = 8 },
            new SourceNotice(NoticeKind.Build, "https://ci.example.com/job/app/7/", "build #7 finished: SUCCESS", ts + 8) { Seq = 9 },
            new SequenceGap(10, 12, GapReason.SlowViewer, ts + 9),
            new SequenceGap(13, 20, GapReason.FileGone, ts + 10),
            new SourceNotice(NoticeKind.Run, "./deploy.sh --env staging", "run #4 started: ./deploy.sh --env staging", ts + 11)
            {
                Seq = 21, Run = new RunInfo(4, RunState.Running, null, null),
            },
            new LogLine("deploying"u8.ToArray(), file, 90, 100, ts + 12) { Seq = 22 },
            new LogLine("warning: cache cold"u8.ToArray(), file, 100, 121, ts + 13) { Seq = 23, Stream = LineStream.Stderr },
            new SourceNotice(NoticeKind.Run, "./deploy.sh --env staging", "run #4 failed (exit code 2)", ts + 14)
            {
                Seq = 24, Run = new RunInfo(4, RunState.Failed, null, null, ExitCode: 2),
            },
            new SourceNotice(NoticeKind.Run, "./deploy.sh --env staging", "run #5 cancelled (ended by SIGTERM)", ts + 15)
            {
                Seq = 25, Run = new RunInfo(5, RunState.Cancelled, null, null, Signal: "SIGTERM"),
            },
            // Classified lines: the level, the shape of a structured line, and the time it states itself.
            new LogLine("""{"@t":"2026-11-30T09:00:00Z","@l":"Error","@mt":"payment {Id} declined","Id":7}"""u8.ToArray(), file, 121, 200, ts + 16)
            {
                Seq = 26, Level = LineLevel.Error, Shape = LineShape.Json, At = 1_795_942_800_000,
            },
            new LogLine("level=debug msg=tick"u8.ToArray(), file, 200, 221, ts + 17) { Seq = 27, Level = LineLevel.Debug, Shape = LineShape.Logfmt },
        };
        var output = new ArrayBufferWriter<byte>();
        SseFormat.WriteRetry(output, 1000);
        foreach (var frame in broadcaster.Encode(records)) output.Write(frame.Bytes);
        // A viewer of several sources writes its own id, naming every source's epoch and position.
        SseFormat.WriteIdOnly(output, ["app", "db"], ["5eed0001", "5eed0002"], [27, 7]);
        output.Write(SseFrame.Heartbeat.Bytes);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void The_stream_wire_format_is_the_one_pinned_in_the_golden_file()
    {
        var actual = Render();
        if (Environment.GetEnvironmentVariable("TAILHUB_UPDATE_GOLDEN") == "1") File.WriteAllText(GoldenPath, actual);

        Assert.Equal(File.ReadAllText(GoldenPath), actual);
    }

    [Fact]
    public void An_id_the_server_wrote_parses_back_to_the_same_positions()
    {
        var output = new ArrayBufferWriter<byte>();
        SseFormat.WriteId(output, ["app", "db"], ["5eed0001", "5eed0002"], [20, 7]);
        var id = Encoding.ASCII.GetString(output.WrittenSpan)["id: ".Length..].TrimEnd('\n');

        var cursor = StreamCursor.TryParse(id, out var error);

        Assert.Null(error);
        Assert.Equal(new CursorPosition("5eed0001", 20), cursor!.Positions["app"]);
        Assert.Equal(new CursorPosition("5eed0002", 7), cursor.Positions["db"]);
    }
}
