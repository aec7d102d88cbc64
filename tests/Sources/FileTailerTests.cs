using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>The tailer against real files, rotated for real, while a writer keeps appending numbered lines.</summary>
public sealed class FileTailerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string P(string name) => _folder.PathOf(name);

    private static List<string> Numbered(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"line {i}").ToList();

    /// <summary>Writes lines from..to, yielding now and then so the tailer reads in between.</summary>
    private static async Task WriteNumberedAsync(LogWriter writer, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            writer.WriteLine($"line {i}");
            if (i % 25 == 0) await Task.Delay(1);
        }
    }

    [Fact]
    public async Task An_existing_file_is_followed_from_its_end_with_its_last_lines_as_context()
    {
        await File.WriteAllLinesAsync(P("app.log"), Numbered(1, 500));
        await using var tailer = new TailerHarness("app.log", _folder, o => o.InitialLines = 10);
        await tailer.WaitForLinesAsync(10);

        using var writer = new LogWriter(P("app.log"));
        writer.WriteLine("line 501");
        await tailer.WaitForLinesAsync(11);

        Assert.Equal(Numbered(491, 501), tailer.Lines);
    }

    [Fact]
    public async Task A_big_file_is_counted_in_line_runs_then_its_last_stretch_split_into_lines_covering_every_byte_once()
    {
        // Uneven lines, so reads end mid-line and the switch to counting starts after a held partial line.
        var lines = Enumerable.Range(1, 40_000).Select(i => $"line {i} " + new string('x', i % 197)).ToList();
        await File.WriteAllLinesAsync(P("staged.data"), lines);
        var size = new FileInfo(P("staged.data")).Length;
        await using var tailer = new TailerHarness("app.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Waiting);

        File.Move(P("staged.data"), P("app.log"));

        static int Count(SourceRecord r) => r switch { LogLine => 1, LineRun run => run.Count, _ => 0 };
        await tailer.WaitUntilAsync(h => h.Records.Sum(Count) >= lines.Count, $"{lines.Count} lines");
        var read = tailer.Records.Where(r => r is LogLine or LineRun).ToList();
        Assert.Equal(lines.Count, read.Sum(Count));
        Assert.Contains(read, r => r is LineRun);
        var ranges = read.Select(r => r switch { LogLine l => (l.Start, l.End), LineRun run => (run.Start, run.End), _ => default }).ToList();
        Assert.Equal(0, ranges[0].Start);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.Equal(size, ranges[^1].End);
        // The end of the file is real lines, for the backlog; they are the file's last lines.
        var tail = read.AsEnumerable().Reverse().TakeWhile(r => r is LogLine).Cast<LogLine>().Reverse().Select(l => l.Text).ToList();
        Assert.True(tail.Count >= 1000, $"only {tail.Count} lines at the end were split");
        Assert.Equal(lines[^tail.Count..], tail);
    }

    [Fact]
    public async Task A_big_file_of_a_watched_source_is_split_line_by_line()
    {
        var lines = Enumerable.Range(1, 40_000).Select(i => $"line {i} " + new string('x', i % 197)).ToList();
        await File.WriteAllLinesAsync(P("staged.data"), lines);
        await using var tailer = new TailerHarness("app.log", _folder, linesWatched: () => true);
        await tailer.WaitForNoticeAsync(NoticeKind.Waiting);

        File.Move(P("staged.data"), P("app.log"));

        await tailer.WaitForLinesAsync(lines.Count);
        Assert.DoesNotContain(tailer.Records, r => r is LineRun);
        Assert.Equal(lines, tailer.Lines);
    }

    [Fact]
    public async Task Appended_lines_are_emitted_in_order_exactly_once()
    {
        using var writer = new LogWriter(P("app.log"));
        await using var tailer = new TailerHarness("app.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        await WriteNumberedAsync(writer, 1, 2000);
        await tailer.WaitForLinesAsync(2000);

        Assert.Equal(Numbered(1, 2000), tailer.Lines);
    }

    [Fact]
    public async Task Rename_and_create_rotation_reads_the_old_file_to_its_end_then_the_new_one()
    {
        var writer = new LogWriter(P("app.log"));
        await using var tailer = new TailerHarness("app.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        await WriteNumberedAsync(writer, 1, 300);
        File.Move(P("app.log"), P("app.log.1"));
        // Like a real service, the writer keeps writing to the renamed file until it is told to reopen.
        await WriteNumberedAsync(writer, 301, 320);
        writer.Reopen();
        await WriteNumberedAsync(writer, 321, 600);
        writer.Dispose();

        await tailer.WaitForLinesAsync(600);
        Assert.Equal(Numbered(1, 600), tailer.Lines.Order(new NumberedLineOrder()).ToList());
        Assert.Equal(600, tailer.Lines.Distinct().Count());
        Assert.Contains(tailer.Notices, n => n.Kind == NoticeKind.Rotated);
    }

    [Fact]
    public async Task Lines_the_writer_adds_to_a_rotated_file_within_the_grace_period_are_not_lost()
    {
        var writer = new LogWriter(P("app.log"));
        await using var tailer = new TailerHarness("app.log", _folder, o => o.RotatedFileGrace = TimeSpan.FromSeconds(3));
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        writer.WriteLine("before rotation");
        File.Move(P("app.log"), P("app.log.1"));
        File.WriteAllText(P("app.log"), "first of the new file\n");
        await tailer.WaitUntilAsync(h => h.Lines.Contains("first of the new file"), "the new file's first line");

        writer.WriteLine("late line in the old file");
        writer.Dispose();

        await tailer.WaitUntilAsync(h => h.Lines.Contains("late line in the old file"), "the late line");
        Assert.Single(tailer.Lines, "before rotation");
    }

    [Theory]
    [InlineData("app.log", false)]
    [InlineData("app.log*", false)]
    [InlineData("app.log", true)]
    [InlineData("app.log*", true)]
    public async Task Lines_a_writer_adds_to_the_renamed_file_before_it_reopens_come_before_the_new_files(string path, bool seenWithoutFile)
    {
        // The case: 1 to app.log; mv app.log app.log.1; touch app.log; 2 through the old descriptor, 3 to the
        // new file. Everything in the old file was written before anything in the new one: delivered 1, 3, 2 before.
        // With seenWithoutFile the tailer looks while the path has no file (nginx: mv, then kill -USR1 reopens it).
        var writer = new LogWriter(P("app.log"));
        await using var tailer = new TailerHarness(path, _folder, o => o.RotatedFileGrace = TimeSpan.FromSeconds(30));
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        var written = new List<string>();
        for (var round = 1; round <= 20; round++)
        {
            writer.WriteLine($"{round}: before the rotation");
            File.Move(P("app.log"), P($"app.log.{round}"));
            if (seenWithoutFile)
                await tailer.WaitUntilAsync(h => h.Notices.Count(n => n.Kind == NoticeKind.Rotated && n.Message.Contains("waiting")) == round, "the path seen without a file");
            File.WriteAllText(P("app.log"), "");
            var identity = FileStat.OfPath(P("app.log"))!.Value.Identity.ToString();
            await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Identity == identity), "the new file followed");

            writer.WriteLine($"{round}: late, to the renamed file");
            File.AppendAllText(P("app.log"), $"{round}: first of the new file\n");
            writer.Reopen();
            written.AddRange([$"{round}: before the rotation", $"{round}: late, to the renamed file", $"{round}: first of the new file"]);
        }
        writer.Dispose();

        await tailer.WaitForLinesAsync(written.Count);
        Assert.Equal(written, tailer.Lines);
    }

    [Fact]
    public async Task A_file_moved_to_another_directory_is_said_rotated_there_not_deleted()
    {
        Directory.CreateDirectory(P("old"));
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log", _folder, rotatedFiles: "old/app.log-*");
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "one\n");
        await tailer.WaitForLinesAsync(1);

        File.Move(P("app.log"), P("old/app.log-20240101"));

        await tailer.WaitForNoticeAsync(NoticeKind.Rotated);
        var rotated = Assert.Single(tailer.Notices, n => n.Kind is NoticeKind.Rotated or NoticeKind.Deleted);
        Assert.Equal(NoticeKind.Rotated, rotated.Kind);
        Assert.Contains("old/app.log-20240101", rotated.Message);
    }

    [Fact]
    public async Task Deleting_and_recreating_a_file_100_times_reads_every_file_it_opened_to_its_end()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log", _folder, o => o.RotatedFileGrace = TimeSpan.FromSeconds(30));
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.Delete(P("app.log"));
        await tailer.WaitForNoticeAsync(NoticeKind.Deleted);

        // In a row: every other file lives until the tailer has opened it; the rest race it, and one deleted before
        // the tailer looked cannot be seen (inherent).
        var files = new Dictionary<string, List<string>>();
        for (var n = 1; n <= 100; n++)
        {
            var lines = Enumerable.Range(1, 5).Select(i => $"file {n} line {i}").ToList();
            using (var writer = new LogWriter(P("app.log")))
            {
                var identity = FileStat.OfPath(P("app.log"))!.Value.Identity.ToString();
                files[identity] = lines;
                writer.WriteLine(lines[0]);
                if (n % 2 == 0) await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Identity == identity), $"file {n} opened");
                foreach (var line in lines.Skip(1)) writer.WriteLine(line);
            }
            File.Delete(P("app.log"));
        }
        File.WriteAllText(P("app.log"), "the end\n");

        await tailer.WaitUntilAsync(h => h.Lines.Contains("the end"), "the last file's line");
        var opened = tailer.Notices.Where(n => n.Kind == NoticeKind.Following && n.Identity is not null).Select(n => n.Identity!.Value.ToString()).Where(files.ContainsKey).Distinct().ToList();
        Assert.True(opened.Count >= 50, $"only {opened.Count} files opened");
        var expected = opened.SelectMany(id => files[id]).ToList();
        // Of every file it opened, every line, once, in order: nothing else.
        var read = tailer.Lines.Where(l => l != "the end").ToList();
        Assert.Equal(expected, read);
    }

    [Fact]
    public async Task Copytruncate_restarts_at_zero_says_truncated_and_repeats_nothing()
    {
        await using var tailer = new TailerHarness("app.log", _folder);
        File.WriteAllText(P("app.log"), "");
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        // An O_APPEND writer, as loggers are: after the truncation it writes at the new end, not its old offset.
        for (var i = 1; i <= 300; i++) File.AppendAllText(P("app.log"), $"line {i}\n");
        await tailer.WaitForLinesAsync(300);
        File.Copy(P("app.log"), P("app.log.1"));
        using (var truncate = new FileStream(P("app.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) truncate.SetLength(0);
        for (var i = 301; i <= 400; i++) File.AppendAllText(P("app.log"), $"line {i}\n");

        await tailer.WaitForLinesAsync(400);
        Assert.Equal(Numbered(1, 400), tailer.Lines);
        Assert.Contains(tailer.Notices, n => n.Kind == NoticeKind.Truncated);
    }

    [Fact]
    public async Task A_truncated_file_refilled_past_the_old_offset_is_still_seen_as_truncated()
    {
        await using var tailer = new TailerHarness("app.log", _folder, o => o.PollInterval = TimeSpan.FromMinutes(5));
        File.WriteAllText(P("app.log"), "");
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "old 1\nold 2\n");
        await tailer.WaitForLinesAsync(2);

        // Truncate and refill beyond the old size in one step, as a fast writer can between two looks.
        File.WriteAllText(P("app.log"), "new 1 is longer than before\nnew 2\n");

        await tailer.WaitForLinesAsync(4);
        Assert.Equal(["old 1", "old 2", "new 1 is longer than before", "new 2"], tailer.Lines);
        Assert.Contains(tailer.Notices, n => n.Kind == NoticeKind.Truncated);
    }

    [Fact]
    public async Task Delete_and_recreate_reads_the_new_file_from_its_start()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "line 1\nline 2\n");
        await tailer.WaitForLinesAsync(2);

        File.Delete(P("app.log"));
        await tailer.WaitForNoticeAsync(NoticeKind.Deleted);
        File.WriteAllText(P("app.log"), "line 3\nline 4\n");

        await tailer.WaitForLinesAsync(4);
        Assert.Equal(Numbered(1, 4), tailer.Lines);
        Assert.Equal(SourceState.Following, tailer.Tailer.Status.State);
    }

    [Fact]
    public async Task A_file_missing_at_start_is_waited_for_and_then_read_from_its_start()
    {
        await using var tailer = new TailerHarness("later.log", _folder, o => o.InitialLines = 100);
        await tailer.WaitForNoticeAsync(NoticeKind.Waiting);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.State == SourceState.Waiting, "the waiting state");

        File.WriteAllText(P("later.log"), "line 1\nline 2\n");

        await tailer.WaitForLinesAsync(2);
        Assert.Equal(Numbered(1, 2), tailer.Lines);
    }

    [Fact]
    public async Task A_swapped_symlink_is_followed_to_its_new_target()
    {
        File.WriteAllText(P("a.log"), "");
        File.CreateSymbolicLink(P("current.log"), P("a.log"));
        await using var tailer = new TailerHarness("current.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("a.log"), "line 1\n");
        await tailer.WaitForLinesAsync(1);

        File.WriteAllText(P("b.log"), "line 2\n");
        File.CreateSymbolicLink(P("current.tmp"), P("b.log"));
        File.Move(P("current.tmp"), P("current.log"), overwrite: true);
        await tailer.WaitForLinesAsync(2);
        File.AppendAllText(P("b.log"), "line 3\n");

        await tailer.WaitForLinesAsync(3);
        Assert.Equal(Numbered(1, 3), tailer.Lines);
        Assert.Contains(tailer.Notices, n => n.Kind == NoticeKind.Rotated);
    }

    [Fact]
    public async Task A_glob_source_picks_up_a_file_that_appears_later_from_its_start()
    {
        File.WriteAllText(P("one.log"), "old context\n");
        await using var tailer = new TailerHarness("*.log", _folder, o => o.InitialLines = 0);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        File.WriteAllText(P("two.log"), "first\nsecond\n");
        File.WriteAllText(P("ignored.txt"), "not matched\n");

        await tailer.WaitForLinesAsync(2);
        Assert.Equal(["first", "second"], tailer.Lines);
    }

    [Fact]
    public async Task A_partial_line_is_not_emitted_until_its_newline_arrives()
    {
        using var writer = new LogWriter(P("app.log"));
        await using var tailer = new TailerHarness("app.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        writer.Write("first\nsec");
        await tailer.WaitForLinesAsync(1);
        writer.Write("ond\n");
        await tailer.WaitForLinesAsync(2);

        Assert.Equal(["first", "second"], tailer.Lines);
    }

    [Fact]
    public async Task A_rotated_files_unterminated_last_line_is_emitted_once_its_grace_period_ends()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log", _folder, o => o.RotatedFileGrace = TimeSpan.FromMilliseconds(200));
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "done\nno newline here");
        await tailer.WaitForLinesAsync(1);

        File.Move(P("app.log"), P("app.log.1"));
        File.WriteAllText(P("app.log"), "");

        await tailer.WaitForLinesAsync(2);
        Assert.Equal(["done", "no newline here"], tailer.Lines);
    }

    /// <summary>Orders "line N" by N, for checks where rotation may interleave an old file's tail with a new file's head.</summary>
    private sealed class NumberedLineOrder : IComparer<string>
    {
        public int Compare(string? x, string? y) => N(x).CompareTo(N(y));
        private static int N(string? s) => int.Parse(s!.AsSpan(5));
    }
}
