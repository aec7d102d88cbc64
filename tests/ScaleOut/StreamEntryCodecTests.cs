using System.Text;
using TailHub.Pipeline;
using TailHub.ScaleOut;
using TailHub.ScaleOut.Hub;
using TailHub.Sources;

namespace TailHub.Tests.ScaleOut;

/// <summary>What travels between an agent and a hub: every record kind comes back as it went, and nothing else is accepted.</summary>
public sealed class StreamEntryCodecTests
{
    private static LogLine Line(long seq, string text, long ts, LineLevel level = LineLevel.Unknown) =>
        new(Encoding.UTF8.GetBytes(text), null, 0, 0, ts) { Seq = seq, Level = level };

    [Fact]
    public void Lines_notices_and_gaps_come_back_with_their_numbers_times_text_and_levels()
    {
        SourceRecord[] records =
        [
            Line(41, "plain ✓ text", 1_700_000_000_000),
            new SourceNotice(NoticeKind.Rotated, "/var/log/app.log", "rotated away", 1_700_000_000_100) { Seq = 42 },
            new SequenceGap(43, 50, GapReason.Unpublished, 1_699_999_999_000),
            Line(51, "", 1_700_000_000_200, LineLevel.Error),
            new LogLine(Encoding.UTF8.GetBytes("to stderr"), null, 0, 0, 1_700_000_000_300) { Seq = 52, Stream = LineStream.Stderr, Level = LineLevel.Warn },
            new SourceNotice(NoticeKind.Run, "make test", "run 3 ended", 1_700_000_000_400)
            {
                Seq = 53,
                Run = new RunInfo(3, RunState.Failed, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DateTimeOffset.FromUnixTimeSeconds(1_700_000_060), ExitCode: 2,
                    Parameters: new Dictionary<string, string> { ["BRANCH"] = "main" }),
            },
        ];

        var payload = StreamEntryCodec.Encode(records, 1_700_000_000_000);
        var decoded = StreamEntryCodec.Decode(payload);

        Assert.Equal(1_700_000_000_000, StreamEntryCodec.ReadAtMs(payload));
        Assert.Equal([41L, 42, 50, 51, 52, 53], decoded.Select(r => r.LastSeq));
        Assert.Equal(records.Select(r => r.TimestampMs), decoded.Select(r => r.TimestampMs));
        var first = Assert.IsType<LogLine>(decoded[0]);
        Assert.Equal("plain ✓ text", first.Text);
        var notice = Assert.IsType<SourceNotice>(decoded[1]);
        Assert.Equal((NoticeKind.Rotated, "/var/log/app.log", "rotated away"), (notice.Kind, notice.Path, notice.Message));
        var gap = Assert.IsType<SequenceGap>(decoded[2]);
        Assert.Equal((43L, 50L, GapReason.Unpublished), (gap.From, gap.To, gap.Reason));
        Assert.Equal(LineLevel.Error, Assert.IsType<LogLine>(decoded[3]).Level);
        var stderr = Assert.IsType<LogLine>(decoded[4]);
        Assert.Equal((LineStream.Stderr, LineLevel.Warn, "to stderr"), (stderr.Stream, stderr.Level, stderr.Text));
        var run = Assert.IsType<SourceNotice>(decoded[5]).Run!;
        Assert.Equal((3, RunState.Failed, 2, "main"), (run.Number, run.State, run.ExitCode, run.Parameters!["BRANCH"]));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 9, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 5, 0, 1 })]
    [InlineData(new byte[] { 1, 0, 1, 7, 1 })]
    public void A_payload_TailHub_did_not_write_is_a_format_error(byte[] payload)
    {
        Assert.Throws<FormatException>(() => StreamEntryCodec.Decode(payload));
    }

    [Fact]
    public void A_history_answer_is_made_exact_overlaps_dropped_and_holes_as_gaps()
    {
        SourceRecord[] answer = [Line(3, "early", 0), Line(5, "a", 0), Line(6, "b", 0), Line(9, "c", 0), Line(12, "late", 0)];

        var exact = MirrorHistory.Continuous(answer, 5, 10, 0);

        Assert.Equal([5L, 6, 8, 9, 10], exact.Select(r => r.LastSeq));
        Assert.Equal((7L, 8L), (((SequenceGap)exact[2]).From, ((SequenceGap)exact[2]).To));
        Assert.Equal((10L, 10L), (((SequenceGap)exact[4]).From, ((SequenceGap)exact[4]).To));
    }
}
