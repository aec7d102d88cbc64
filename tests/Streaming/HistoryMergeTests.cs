using System.Text;
using TailHub.Pipeline;
using TailHub.Streaming;

namespace TailHub.Tests.Streaming;

/// <summary>The history of a stream of several sources comes in read-time order, each source's own order kept.</summary>
public sealed class HistoryMergeTests
{
    private static LogLine Line(string text, long seq, long readAtMs) => new(Encoding.UTF8.GetBytes(text), null, 0, 0, readAtMs) { Seq = seq };

    private static List<string> Merged(params List<SourceRecord>[] history) =>
        HistoryMerge.InReadOrder(history).SelectMany(run => run.Records.Select(r => $"{run.Source}:{Describe(r)}")).ToList();

    private static string Describe(SourceRecord record) => record switch
    {
        LogLine line => line.Text,
        SequenceGap gap => $"gap {gap.Reason}",
        _ => record.GetType().Name,
    };

    [Fact]
    public void Lines_of_two_sources_interleave_by_the_time_they_were_read()
    {
        var app = new List<SourceRecord> { Line("a1", 1, 100), Line("a2", 2, 300), Line("a3", 3, 500) };
        var worker = new List<SourceRecord> { Line("w1", 1, 200), Line("w2", 2, 400), Line("w3", 3, 600) };

        Assert.Equal(["0:a1", "1:w1", "0:a2", "1:w2", "0:a3", "1:w3"], Merged(app, worker));
    }

    [Fact]
    public void Lines_read_at_the_same_time_stay_in_one_run_of_the_source_being_written()
    {
        var app = new List<SourceRecord> { Line("a1", 1, 100), Line("a2", 2, 200), Line("a3", 3, 200) };
        var worker = new List<SourceRecord> { Line("w1", 1, 200), Line("w2", 2, 300) };

        var runs = HistoryMerge.InReadOrder([app, worker]).Select(r => (r.Source, r.Records.Count)).ToList();

        Assert.Equal([(0, 3), (1, 2)], runs);
    }

    [Fact]
    public void A_server_restarted_gap_stays_right_before_its_sources_backlog()
    {
        var app = new List<SourceRecord> { new SequenceGap(1, 0, GapReason.ServerRestarted, 9_999), Line("a1", 1, 300) };
        var worker = new List<SourceRecord> { Line("w1", 1, 100), Line("w2", 2, 500) };

        Assert.Equal(["1:w1", "0:gap ServerRestarted", "0:a1", "1:w2"], Merged(app, worker));
    }

    [Fact]
    public void A_single_source_history_is_passed_through_whole()
    {
        var app = new List<SourceRecord> { Line("a2", 2, 300), Line("a1", 1, 100) };

        var run = Assert.Single(HistoryMerge.InReadOrder([app, []]));

        Assert.Same(app, run.Records);
    }
}
