using System.Text;
using Microsoft.Extensions.Time.Testing;
using TailHub.History.Retention;
using TailHub.Pipeline;
using TailHub.Pipeline.Spool;
using TailHub.Tests.Support;

namespace TailHub.Tests.History.Retention;

/// <summary>
/// Retention of the files TailHub writes itself (here, runs' outputs), on a fake clock: finished runs compressed and
/// still readable, then deleted by age, count or size; the newest and any in use left alone; what was deleted read
/// back as an <c>expired</c> gap.
/// </summary>
public sealed class RetentionSweepTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _folder.Dispose();

    private string Runs => _folder.PathOf("runs");

    /// <summary>Runs 1…<paramref name="count"/>, each spooled with its lines and journalled as the pipeline would.</summary>
    private SourceJournal WriteRuns(int count, int linesPerRun = 3)
    {
        var journal = new SourceJournal(1000, 1024);
        var seq = 1L;
        for (var run = 1; run <= count; run++)
        {
            using var spool = SpoolFile.Open(Path.Combine(Runs, $"{run}.log"));
            var framer = new LineFramer(1024 + 256, TailHub.Pipeline.Redaction.LineRedactor.None, spool.File);
            var lines = new List<SourceRecord>();
            framer.Push(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, linesPerRun).Select(i => $"run {run} line {i}\n"))), 0, 0, lines);
            spool.Append(lines);
            foreach (var line in lines)
            {
                line.Seq = seq++;
                journal.Add(line);
            }
        }
        return journal;
    }

    private static List<string> Texts(IEnumerable<SourceRecord> records) => records.OfType<LogLine>().Select(l => l.Text).ToList();

    private static bool NoneInUse(OwnFile _) => false;

    [Fact]
    public void Finished_runs_are_compressed_and_still_read_back_the_same()
    {
        var journal = WriteRuns(3);
        var before = Texts(journal.Replay(1, 9, 0));

        var result = RetentionSweep.Apply(Runs, new RetentionOptions { Compress = true }, _time.GetUtcNow(), NoneInUse);

        Assert.Equal([Path.Combine(Runs, "1.log"), Path.Combine(Runs, "2.log")], result.Compressed);
        Assert.True(File.Exists(Path.Combine(Runs, "1.log.gz")));
        Assert.False(File.Exists(Path.Combine(Runs, "1.log")));
        Assert.True(File.Exists(Path.Combine(Runs, "3.log")), "the newest run is left as it is");
        Assert.Equal(before, Texts(journal.Replay(1, 9, 0)));
    }

    [Fact]
    public void Compressed_runs_are_deleted_once_older_than_max_age_and_read_back_as_an_expired_gap()
    {
        var journal = WriteRuns(3);
        var options = new RetentionOptions { Compress = true, MaxAge = TimeSpan.FromDays(1) };
        RetentionSweep.Apply(Runs, options, _time.GetUtcNow(), NoneInUse);
        Assert.True(File.Exists(Path.Combine(Runs, "1.log.gz")));

        _time.Advance(TimeSpan.FromDays(2));
        var result = RetentionSweep.Apply(Runs, options, _time.GetUtcNow(), NoneInUse);

        Assert.Equal(2, result.Deleted.Count);
        Assert.False(File.Exists(Path.Combine(Runs, "1.log.gz")));
        var replayed = journal.Replay(1, 9, 0);
        var gaps = replayed.OfType<SequenceGap>().ToList();
        Assert.All(gaps, g => Assert.Equal(GapReason.Expired, g.Reason));
        Assert.Equal(6, gaps.Sum(g => g.To - g.From + 1));
        Assert.Equal(["run 3 line 1", "run 3 line 2", "run 3 line 3"], Texts(replayed));
    }

    [Fact]
    public void Only_the_newest_max_runs_are_kept()
    {
        WriteRuns(5);

        var result = RetentionSweep.Apply(Runs, new RetentionOptions { MaxRuns = 2 }, _time.GetUtcNow(), NoneInUse);

        Assert.Equal([1, 2, 3], result.Deleted.Select(p => int.Parse(Path.GetFileNameWithoutExtension(p))));
        Assert.Equal(["4.log", "5.log"], Directory.GetFiles(Runs).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_oldest_runs_go_until_the_rest_fit_max_bytes()
    {
        WriteRuns(4, linesPerRun: 10);
        var each = new FileInfo(Path.Combine(Runs, "1.log")).Length;

        RetentionSweep.Apply(Runs, new RetentionOptions { MaxBytes = 2 * each + 1 }, _time.GetUtcNow(), NoneInUse);

        Assert.Equal(["3.log", "4.log"], Directory.GetFiles(Runs).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_run_being_viewed_or_written_is_never_removed()
    {
        var journal = WriteRuns(4);
        // Run 2's lines are being read back (a download in progress) while retention runs.
        using var reading = journal.Read(4, 6, 0).GetEnumerator();
        Assert.True(reading.MoveNext());
        var inUse = (OwnFile f) => f.Number == 1 || journal.IsReading(f.WrittenPath);

        var result = RetentionSweep.Apply(Runs, new RetentionOptions { MaxRuns = 1 }, _time.GetUtcNow(), inUse);

        Assert.Equal([Path.Combine(Runs, "3.log")], result.Deleted);
        Assert.Equal([Path.Combine(Runs, "1.log"), Path.Combine(Runs, "2.log")], result.KeptInUse);
        Assert.True(reading.MoveNext());
        Assert.Equal("run 2 line 2", ((LogLine)reading.Current).Text);
    }

    [Fact]
    public void Files_that_are_not_tailhub_s_own_are_never_touched()
    {
        WriteRuns(2);
        File.WriteAllText(Path.Combine(Runs, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(Runs, "app.log"), "tailed");

        RetentionSweep.Apply(Runs, new RetentionOptions { MaxRuns = 1, Compress = true }, _time.GetUtcNow().AddYears(1), NoneInUse);

        Assert.Equal(["2.log", "app.log", "notes.txt"], Directory.GetFiles(Runs).Select(Path.GetFileName).Order());
    }
}
