using System.IO.Compression;
using TailHub.Pipeline;
using CsCheck;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// Model-based: random sequences of file operations run against the real tailer in a temporary folder, and what it
/// emitted is checked against a simple model of the file. Exact where nothing was truncated; where something was,
/// only lines written since the tailer last caught up may be missing, and nothing is ever repeated or invented.
/// Each run follows either the file alone (<c>app.log</c>) or a glob over it and its rotated names (<c>app.log*</c>),
/// which also matches the compressed files and the copies the operations make: those must not repeat anything either.
/// A file is rotated or deleted only after the tailer has found it: one rotated away before the tailer ever looked
/// (rotated twice within one poll) cannot be seen by any path-based tailer, and is outside what this checks.
/// </summary>
public sealed class FileTailerModelTests
{
    private enum Op { WriteLine, WriteLines, WritePartial, Rotate, Shift, Compress, MoveToOldDir, CopyTruncate, Truncate, Delete, Recreate, Pause }

    /// <param name="Fragments">Partial writes this line began with: if a truncation cuts it short, what was read of them is emitted.</param>
    private sealed record Expected(string Text, bool MayBeLost, bool MayBeLate, string[]? Fragments = null);

    private static readonly Gen<(bool Glob, Op[] Ops)> Runs = Gen.Select(Gen.Bool, Gen.Enum<Op>().Array[1, 24]);

    [Fact]
    public async Task Random_writes_rotations_and_truncations_emit_what_the_model_says()
    {
        await Runs.SampleAsync(run => RunAsync(run.Glob, run.Ops), iter: 80, threads: 1);
    }

    private static async Task RunAsync(bool glob, Op[] ops)
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.PathOf("old"));
        var path = folder.PathOf("app.log");
        var expected = new List<Expected>();
        var next = 0;
        string? partial = null;
        var fragments = new List<string>();
        var rotations = 0;
        // Rotated files beside app.log (oldest first), with the fragment each ended with: under a glob it is still
        // followed, and its fragment is emitted only once it leaves the glob.
        var rotated = new List<(string Name, string? Fragment)>();
        var described = $"{(glob ? "app.log*" : "app.log")} [{string.Join(",", ops)}]";

        await using var tailer = new TailerHarness(glob ? "app.log*" : "app.log", folder, o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(20);
            o.RotatedFileGrace = TimeSpan.FromMilliseconds(100);
        }, rotatedFiles: "old/*");
        await tailer.WaitUntilAsync(h => h.Tailer.Status != SourceStatus.Starting, "the tailer's first look");

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
        void FragmentBecomesLateLine(string? fragment)
        {
            if (fragment is not null) expected.Add(new Expected(fragment, false, true));
        }

        // app.log was renamed to a rotated name: its fragment is emitted now (it left the source) or when it leaves the glob.
        void CurrentRotatedTo(string name)
        {
            if (glob) rotated.Add((name, partial));
            else
            {
                rotated.Add((name, null));
                FragmentBecomesLateLine(partial);
            }
            partial = null;
            fragments.Clear();
        }

        // A rotated file deleted or moved out of the glob: whatever it held back is final.
        void RotatedFileLeaves(int index)
        {
            FragmentBecomesLateLine(rotated[index].Fragment);
            rotated.RemoveAt(index);
        }

        // A truncation loses what the tailer had not read yet. Under a glob a copytruncate copy may give it back: from
        // where the file was read to when the truncation is seen, or, when the file was truncated again before the
        // tailer looked, as a file of its own found after the file's newer lines (nothing ties it to the file then).
        void EverythingUnconfirmedMayBeLost(bool copied = false)
        {
            var confirmed = tailer.Lines.ToHashSet();
            var count = expected.Count;
            for (var i = 0; i < count; i++)
            {
                if (confirmed.Contains(expected[i].Text)) continue;
                expected[i] = expected[i] with { MayBeLost = true, MayBeLate = expected[i].MayBeLate || (copied && glob) };
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
                    // rename + create, with dated names (dateext).
                    await UntilTheTailerHasOpenedIt();
                    var dated = $"app.log-{++rotations}";
                    File.Move(path, folder.PathOf(dated));
                    File.WriteAllText(path, "");
                    CurrentRotatedTo(dated);
                    break;
                case Op.Shift when File.Exists(path):
                    // logrotate's numbered shift, rotate 3: app.log.3 is removed, .2 → .3, .1 → .2, app.log → .1.
                    await UntilTheTailerHasOpenedIt();
                    for (var n = 3; n >= 1; n--)
                    {
                        var from = rotated.FindIndex(r => r.Name == $"app.log.{n}");
                        if (from < 0) continue;
                        if (n == 3)
                        {
                            File.Delete(folder.PathOf("app.log.3"));
                            RotatedFileLeaves(from);
                            continue;
                        }
                        File.Move(folder.PathOf($"app.log.{n}"), folder.PathOf($"app.log.{n + 1}"));
                        rotated[from] = rotated[from] with { Name = $"app.log.{n + 1}" };
                    }
                    File.Move(path, folder.PathOf("app.log.1"));
                    File.WriteAllText(path, "");
                    CurrentRotatedTo("app.log.1");
                    break;
                case Op.Compress when rotated.Count > 0:
                    // logrotate's compress: the oldest rotated file is written gzipped beside it, then removed.
                    var plain = folder.PathOf(rotated[0].Name);
                    using (var output = File.Create(plain + ".gz"))
                    using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
                    using (var input = File.OpenRead(plain))
                        input.CopyTo(gzip);
                    File.Delete(plain);
                    RotatedFileLeaves(0);
                    break;
                case Op.MoveToOldDir when rotated.Count > 0:
                    // logrotate's olddir: out of the glob, into the source's RotatedFiles.
                    File.Move(folder.PathOf(rotated[0].Name), folder.PathOf($"old/{rotated[0].Name}"), overwrite: true);
                    RotatedFileLeaves(0);
                    break;
                case Op.CopyTruncate when File.Exists(path):
                    var copy = $"app.log-{++rotations}";
                    PlainCopy.Copy(path, folder.PathOf(copy));
                    rotated.Add((copy, null));
                    EverythingUnconfirmedMayBeLost(copied: true);
                    using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
                    break;
                case Op.Truncate when File.Exists(path):
                    EverythingUnconfirmedMayBeLost();
                    using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
                    break;
                case Op.Delete when File.Exists(path):
                    await UntilTheTailerHasOpenedIt();
                    File.Delete(path);
                    FragmentBecomesLateLine(partial);
                    partial = null;
                    fragments.Clear();
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
        await tailer.WaitUntilAsync(h => required.All(h.Lines.Contains), $"every line the model requires after {described}", explain: () => Missing(required));

        var emitted = tailer.Lines;
        var allowed = expected.Select(e => e.Text).ToHashSet();
        Assert.True(emitted.Count == emitted.Distinct().Count(), $"a line was repeated after {described}: {string.Join(" ", emitted)}");
        Assert.True(emitted.All(allowed.Contains), $"a line was invented after {described}: {string.Join(" ", emitted.Where(e => !allowed.Contains(e)))} in {string.Join(" ", tailer.Records.Select(r => r is LogLine l ? l.Text : ((SourceNotice)r).Kind.ToString()))}");
        // Apart from fragments flushed when their file retired, lines come out in the order they were written.
        var inOrder = expected.Where(e => !e.MayBeLate).Select(e => e.Text).ToList();
        var emittedInOrder = emitted.Where(inOrder.Contains).ToList();
        Assert.True(inOrder.Where(emittedInOrder.Contains).SequenceEqual(emittedInOrder), $"lines out of order after {described}: {string.Join(" ", emittedInOrder)}");
    }
}
