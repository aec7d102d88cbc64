using TailHub.Pipeline;
using CsCheck;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// Model-based: random sequences of file operations run against the real tailer in a temporary folder, and what it
/// emitted is checked against a simple model of the file. Exact where nothing was truncated; where something was,
/// only lines written since the tailer last caught up may be missing, and nothing is ever repeated or invented.
/// A file is rotated or deleted only after the tailer has found it: one rotated away before the tailer ever looked
/// (rotated twice within one poll) cannot be seen by any path-based tailer, and is outside what this checks.
/// </summary>
public sealed class FileTailerModelTests
{
    private enum Op { WriteLine, WriteLines, WritePartial, Rotate, CopyTruncate, Truncate, Delete, Recreate, Pause }

    /// <param name="Fragments">Partial writes this line began with: if a truncation cuts it short, what was read of them is emitted.</param>
    private sealed record Expected(string Text, bool MayBeLost, bool MayBeLate, string[]? Fragments = null);

    private static readonly Gen<Op[]> Operations = Gen.Enum<Op>().Array[1, 24];

    [Fact]
    public async Task Random_writes_rotations_and_truncations_emit_what_the_model_says()
    {
        await Operations.SampleAsync(RunAsync, iter: 60, threads: 1);
    }

    private static async Task RunAsync(Op[] ops)
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("app.log");
        var expected = new List<Expected>();
        var next = 0;
        string? partial = null;
        var fragments = new List<string>();
        var rotations = 0;

        await using var tailer = new TailerHarness("app.log", folder, o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(20);
            o.RotatedFileGrace = TimeSpan.FromMilliseconds(100);
        });
        await tailer.WaitForNoticeAsync(NoticeKind.Waiting);

        void Append(int count)
        {
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < count; i++)
            {
                var line = $"L{next++}";
                text.Append(line).Append('\n');
                // The fragment already in the file becomes the start of this line.
                expected.Add(new Expected(partial + line, false, false, fragments.Count > 0 ? [.. fragments] : null));
                partial = null;
                fragments.Clear();
            }
            File.AppendAllText(path, text.ToString());
        }

        // The held fragment of a file that stops growing is emitted once the file is retired: later than lines after it.
        void FragmentBecomesLateLine()
        {
            if (partial is null) return;
            expected.Add(new Expected(partial, false, true));
            partial = null;
            fragments.Clear();
        }

        void EverythingUnconfirmedMayBeLost()
        {
            var confirmed = tailer.Lines.ToHashSet();
            var count = expected.Count;
            for (var i = 0; i < count; i++)
            {
                if (confirmed.Contains(expected[i].Text)) continue;
                expected[i] = expected[i] with { MayBeLost = true };
                AllowPrefixes(expected[i].Fragments ?? []);
            }
            AllowPrefixes(fragments);
            partial = null;
            fragments.Clear();
        }

        // A file that is rotated or deleted has lived at its path for a while; the tailer has found it by then.
        Task UntilTheTailerHasOpenedIt()
        {
            var identity = FileStat.OfPath(path)?.Identity.ToString();
            return tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Identity == identity), "the tailer to open the current file");
        }

        // The tailer may have read only the first fragments of a line when its file was truncated: it emits those.
        void AllowPrefixes(IEnumerable<string> lineFragments)
        {
            var prefix = "";
            foreach (var fragment in lineFragments)
            {
                prefix += fragment;
                expected.Add(new Expected(prefix, true, true));
            }
        }

        string Missing(List<string> required)
        {
            var emitted = tailer.Records.Select(r => r is LogLine l ? l.Text : $"<{((SourceNotice)r).Kind}>").ToList();
            return $"; missing [{string.Join(" ", required.Where(r => !emitted.Contains(r)).Take(10))}] from [{string.Join(" ", emitted.Take(80))}]";
        }

        foreach (var op in ops)
        {
            switch (op)
            {
                case Op.WriteLine: Append(1); break;
                case Op.WriteLines: Append(50); break;
                case Op.WritePartial:
                    var fragment = $"P{next++}-";
                    File.AppendAllText(path, fragment);
                    partial = (partial ?? "") + fragment;
                    fragments.Add(fragment);
                    break;
                case Op.Rotate when File.Exists(path):
                    await UntilTheTailerHasOpenedIt();
                    File.Move(path, folder.PathOf($"app.log.{++rotations}"));
                    File.WriteAllText(path, "");
                    FragmentBecomesLateLine();
                    break;
                case Op.CopyTruncate when File.Exists(path):
                    File.Copy(path, folder.PathOf($"app.log.{++rotations}"));
                    EverythingUnconfirmedMayBeLost();
                    using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
                    break;
                case Op.Truncate when File.Exists(path):
                    EverythingUnconfirmedMayBeLost();
                    using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
                    break;
                case Op.Delete when File.Exists(path):
                    await UntilTheTailerHasOpenedIt();
                    File.Delete(path);
                    FragmentBecomesLateLine();
                    break;
                case Op.Recreate when !File.Exists(path):
                    File.WriteAllText(path, "");
                    break;
                case Op.Pause:
                    var sure = expected.Where(e => !e.MayBeLost).Select(e => e.Text).ToList();
                    await tailer.WaitUntilAsync(h => sure.All(h.Lines.Contains), "the tailer to catch up", explain: () => Missing(sure));
                    break;
            }
        }

        var required = expected.Where(e => !e.MayBeLost).Select(e => e.Text).ToList();
        await tailer.WaitUntilAsync(h => required.All(h.Lines.Contains), $"every line the model requires after [{string.Join(",", ops)}]", explain: () => Missing(required));

        var emitted = tailer.Lines;
        var allowed = expected.Select(e => e.Text).ToHashSet();
        Assert.True(emitted.Count == emitted.Distinct().Count(), $"a line was repeated after [{string.Join(",", ops)}]: {string.Join(" ", emitted)}");
        Assert.True(emitted.All(allowed.Contains), $"a line was invented after [{string.Join(",", ops)}]: {string.Join(" ", emitted.Where(e => !allowed.Contains(e)))} in {string.Join(" ", tailer.Records.Select(r => r is LogLine l ? l.Text : ((SourceNotice)r).Kind.ToString()))}");
        // Apart from fragments flushed when their file retired, lines come out in the order they were written.
        var inOrder = expected.Where(e => !e.MayBeLate).Select(e => e.Text).ToList();
        var emittedInOrder = emitted.Where(inOrder.Contains).ToList();
        Assert.Equal(inOrder.Where(emittedInOrder.Contains), emittedInOrder);
    }
}
