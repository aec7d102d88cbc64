using System.Text;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Pipeline;

/// <summary>Reading records back from the files once they have left the in-memory backlog.</summary>
public sealed class SourceJournalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Journals the lines of a file as the tailer would have emitted them, numbered from <paramref name="firstSeq"/>.</summary>
    private static long Journal(SourceJournal journal, string path, long firstSeq)
    {
        var bytes = File.ReadAllBytes(path);
        var file = new FileRef(path, FileStat.OfPath(path)!.Value.Identity) { Head = FileHead.Of(bytes.AsSpan(0, Math.Min(bytes.Length, FileHead.MaxBytes))) };
        var splitter = new LineSplitter(1024);
        var lines = new List<SplitLine>();
        splitter.Push(bytes, lines);
        var seq = firstSeq;
        foreach (var line in lines) journal.Add(new LogLine(line.Utf8, file, line.Start, line.End, 0) { Seq = seq++ });
        return seq;
    }

    private static List<string> Texts(IEnumerable<SourceRecord> records) => records.OfType<LogLine>().Select(l => Encoding.UTF8.GetString(l.Utf8)).ToList();

    [Fact]
    public void Lines_are_read_back_from_the_file_with_their_sequence_numbers()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "a\nb\nc\nd\n");
        var journal = new SourceJournal(100, 1024);
        Journal(journal, path, 1);

        var replayed = journal.Replay(2, 3, 0);

        Assert.Equal(["b", "c"], Texts(replayed));
        Assert.Equal([2L, 3], replayed.Select(r => r.Seq));
    }

    [Fact]
    public void A_file_renamed_by_rotation_is_found_again_by_its_identity()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "old 1\nold 2\n");
        var journal = new SourceJournal(100, 1024);
        Journal(journal, path, 1);
        File.Move(path, path + ".1");
        File.WriteAllText(path, "new 1\n");

        Assert.Equal(["old 1", "old 2"], Texts(journal.Replay(1, 2, 0)));
    }

    private static void GzipInto(string path, string gz)
    {
        using var output = File.Create(gz);
        using var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest);
        using var input = File.OpenRead(path);
        input.CopyTo(gzip);
    }

    [Fact]
    public void A_file_moved_to_where_rotated_files_go_is_found_there_by_its_identity()
    {
        var path = _folder.PathOf("app.log");
        Directory.CreateDirectory(_folder.PathOf("old"));
        File.WriteAllText(path, "old 1\nold 2\n");
        var journal = new SourceJournal(100, 1024, locator: new FileLocator(SourcePath.Parse("old/app.log-*", _folder.Path)));
        Journal(journal, path, 1);
        File.Move(path, _folder.PathOf("old/app.log-20240101"));
        File.WriteAllText(path, "new 1\n");

        Assert.Equal(["old 1", "old 2"], Texts(journal.Replay(1, 2, 0)));
    }

    [Fact]
    public void Lines_of_a_rotated_file_compressed_with_gzip_are_read_back_from_the_gzip_file()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "old 1\nold 2\nold 3\n");
        var journal = new SourceJournal(100, 1024);
        Journal(journal, path, 1);
        File.Move(path, path + ".1");
        GzipInto(path + ".1", path + ".1.gz");
        File.Delete(path + ".1");
        File.WriteAllText(path, "new 1\n");

        var replayed = journal.Replay(2, 3, 0);

        Assert.Equal(["old 2", "old 3"], Texts(replayed));
        Assert.Equal([2L, 3], replayed.Select(r => r.Seq));
    }

    [Fact]
    public void A_gzip_file_is_read_back_across_its_segments_in_one_pass()
    {
        var path = _folder.PathOf("app.log");
        var lines = Enumerable.Range(1, 60_000).Select(i => $"line {i} {new string('x', i % 50)}").ToList();
        File.WriteAllLines(path, lines);
        var journal = new SourceJournal(100, 1024);
        Journal(journal, path, 1);
        GzipInto(path, path + ".1.gz");
        File.Delete(path);

        // Segments are at most 1 MiB: these 2.2 MB of lines are three of them, read on from one decompression.
        Assert.Equal(lines[100..59_990], Texts(journal.Replay(101, 59_990, 0)));
    }

    [Fact]
    public void Lines_from_before_a_copytruncate_are_read_back_from_the_copy()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "a\nb\n");
        var journal = new SourceJournal(100, 1024);
        var next = Journal(journal, path, 1);
        File.Copy(path, path + ".1");
        File.WriteAllText(path, "");
        journal.Add(new SourceNotice(NoticeKind.Truncated, path, "", 0, FileStat.OfPath(path)!.Value.Identity) { Seq = next });
        File.WriteAllText(path, "c\nd\n");

        var replayed = journal.Replay(1, next, 0);

        Assert.Equal(["a", "b"], Texts(replayed));
        Assert.DoesNotContain(replayed, r => r is SequenceGap);
    }

    [Fact]
    public void Lines_of_a_deleted_file_become_a_gap()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "a\nb\n");
        var journal = new SourceJournal(100, 1024);
        Journal(journal, path, 1);
        File.Delete(path);

        var gap = Assert.IsType<SequenceGap>(Assert.Single(journal.Replay(1, 2, 0)));

        Assert.Equal((1L, 2L, GapReason.FileGone), (gap.From, gap.To, gap.Reason));
    }

    [Fact]
    public void Lines_from_before_a_truncation_become_a_gap()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "a\nb\n");
        var journal = new SourceJournal(100, 1024);
        var next = Journal(journal, path, 1);
        journal.Add(new SourceNotice(NoticeKind.Truncated, path, "", 0, FileStat.OfPath(path)!.Value.Identity) { Seq = next });

        var replayed = journal.Replay(1, next, 0);

        var gap = Assert.IsType<SequenceGap>(replayed[0]);
        Assert.Equal(GapReason.Truncated, gap.Reason);
        Assert.IsType<SourceNotice>(replayed[1]);
    }

    [Fact]
    public void Records_older_than_the_journal_remembers_are_reported_as_expired()
    {
        var path = _folder.PathOf("app.log");
        File.WriteAllText(path, "");
        var journal = new SourceJournal(16, 1024);
        for (var s = 1; s <= 40; s++) journal.Add(new SourceNotice(NoticeKind.Following, path, "", 0) { Seq = s });

        var gap = Assert.IsType<SequenceGap>(journal.Replay(1, 40, 0)[0]);

        Assert.Equal((1L, 24L, GapReason.Expired), (gap.From, gap.To, gap.Reason));
    }
}
