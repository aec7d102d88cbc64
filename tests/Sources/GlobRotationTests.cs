using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// A glob source over a file and its rotated names (<c>app.log*</c>): a file is known by its identity, not its name,
/// so a rename within the glob (or out of it and back) continues the file where it was and never reads it again.
/// </summary>
public sealed class GlobRotationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string P(string name) => _folder.PathOf(name);

    [Fact]
    public async Task A_numbered_shift_continues_each_file_under_its_new_name_and_reads_nothing_twice()
    {
        // The minimal case: delivered A1 A2 B1 B2 A1 A2 B1 B2 C1 before.
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "A1\nA2\n");
        await tailer.WaitForLinesAsync(2);

        File.Move(P("app.log"), P("app.log.1"));
        File.AppendAllText(P("app.log"), "B1\nB2\n");
        await tailer.WaitForLinesAsync(4);
        File.Move(P("app.log.1"), P("app.log.2"));
        File.Move(P("app.log"), P("app.log.1"));
        File.AppendAllText(P("app.log"), "C1\n");

        await tailer.WaitUntilAsync(h => h.Lines.Contains("C1"), "the third file's line");
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count(f => !f.Rotated) == 3, "all three files followed");
        Assert.Equal(["A1", "A2", "B1", "B2", "C1"], tailer.Lines);
    }

    [Fact]
    public async Task A_shift_noticed_half_done_reads_nothing_twice()
    {
        // The renames of each shift are done back to back while the tailer looks whenever it likes, so it sees the
        // directory between any two of them: names missing, one file under two names' worth of looks, new names first.
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        var written = new List<string>();
        for (var round = 1; round <= 40; round++)
        {
            for (var i = 1; i <= 5; i++)
            {
                var line = $"r{round} l{i}";
                File.AppendAllText(P("app.log"), line + "\n");
                written.Add(line);
            }
            await tailer.WaitForLinesAsync(written.Count);
            for (var n = 3; n >= 1; n--)
            {
                if (File.Exists(P($"app.log.{n}"))) File.Move(P($"app.log.{n}"), P($"app.log.{n + 1}"), overwrite: true);
            }
            File.Move(P("app.log"), P("app.log.1"));
            File.WriteAllText(P("app.log"), "");
        }

        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count(f => !f.Rotated) == 5, "the current file and its four rotated names followed");
        Assert.Equal(written, tailer.Lines);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_renamed_out_of_the_glob_and_back_into_it_continues_where_it_was(bool closedMeanwhile)
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("*.log", _folder, o => o.RotatedFileGrace = TimeSpan.FromSeconds(closedMeanwhile ? 0.1 : 30));
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        File.AppendAllText(P("app.log"), "one\ntwo\n");
        await tailer.WaitForLinesAsync(2);

        File.Move(P("app.log"), P("app.log.old"));
        await tailer.WaitForNoticeAsync(NoticeKind.Rotated);
        // Past its grace period the file is closed; it is still known by its identity and fingerprint.
        if (closedMeanwhile) await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 0, "the file closed");
        File.Move(P("app.log.old"), P("again.log"));
        File.AppendAllText(P("again.log"), "three\n");

        await tailer.WaitForLinesAsync(3);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Path == P("again.log") && !f.Rotated), "the file followed under its new name");
        Assert.Equal(["one", "two", "three"], tailer.Lines);
    }

    [Fact]
    public async Task A_file_the_glob_matches_under_two_names_is_read_once()
    {
        File.WriteAllText(P("app-1.log"), "");
        File.CreateSymbolicLink(P("current.log"), P("app-1.log"));
        await using var tailer = new TailerHarness("*.log", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);

        File.AppendAllText(P("app-1.log"), "only once\n");

        await tailer.WaitForLinesAsync(1);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 1 && h.Tailer.Status.Files[0].Offset == 10, "the one file read");
        Assert.Equal(["only once"], tailer.Lines);
    }

    [Fact]
    public async Task A_copytruncate_copy_inside_the_glob_is_not_read_again_and_holds_what_was_not_read_yet()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        var written = new List<string>();
        for (var round = 1; round <= 20; round++)
        {
            // The lines are written and the file copied and truncated at once: the tailer may have read all of them,
            // some or none before the truncation, and gets the rest from the copy. Either way each arrives once.
            var lines = Enumerable.Range(1, 20).Select(i => $"round {round} line {i} " + new string('x', round * 7)).ToList();
            foreach (var line in lines) File.AppendAllText(P("app.log"), line + "\n");
            written.AddRange(lines);
            for (var n = 2; n >= 1; n--)
            {
                if (File.Exists(P($"app.log.{n}"))) File.Move(P($"app.log.{n}"), P($"app.log.{n + 1}"), overwrite: true);
            }
            PlainCopy.Copy(P("app.log"), P("app.log.1"));
            using (var truncate = new FileStream(P("app.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) truncate.SetLength(0);
            await tailer.WaitForLinesAsync(written.Count);
        }

        await tailer.WaitForLinesAsync(written.Count);
        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Count == 4, "the file and its three copies followed");
        Assert.Equal(written, tailer.Lines);
    }

    [Fact]
    public async Task A_line_the_truncated_file_held_only_part_of_comes_whole_from_the_copy()
    {
        File.WriteAllText(P("app.log"), "");
        await using var tailer = new TailerHarness("app.log*", _folder);
        await tailer.WaitForNoticeAsync(NoticeKind.Following);
        var written = new List<string>();
        for (var round = 1; round <= 20; round++)
        {
            File.AppendAllText(P("app.log"), $"r{round} whole\nr{round} part");
            var size = new FileInfo(P("app.log")).Length;
            await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Path == P("app.log") && f.Offset == size), "the partial line read");
            // Completed, copied and truncated at once: the tailer reads the rest before the truncation or from the copy.
            File.AppendAllText(P("app.log"), "ial\n");
            if (File.Exists(P("app.log.1")))
            {
                File.Move(P("app.log.1"), P($"app.log.{round}.old"));
                // The last copy's move is seen before the next copy takes its name. A copy made, and its file truncated,
                // under a name whose last file moved away unseen, all between two looks, is not recognised at the
                // truncation: the line held in part is then given as two (a race this test does not cover).
                await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.All(f => f.Path != P("app.log.1")), "the last copy's move seen");
            }
            PlainCopy.Copy(P("app.log"), P("app.log.1"));
            using (var truncate = new FileStream(P("app.log"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) truncate.SetLength(0);
            written.AddRange([$"r{round} whole", $"r{round} partial"]);
            await tailer.WaitForLinesAsync(written.Count);
        }

        Assert.Equal(written, tailer.Lines);
    }
}
