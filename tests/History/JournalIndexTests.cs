using System.Text;
using TailHub.Pipeline;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.History;

/// <summary>The journal as history's index: segments split by time, and made coarser rather than forgotten at its cap.</summary>
public sealed class JournalIndexTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A file of <paramref name="count"/> 20 kB lines, journalled as if each was read a second after the one before.</summary>
    private (SourceJournal Journal, List<string> Lines) JournalSlowly(int count, int maxEntries)
    {
        var path = _folder.PathOf("app.log");
        var lines = Enumerable.Range(1, count).Select(i => $"line {i} " + new string('x', 20_000)).ToList();
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        var file = new FileRef(path, FileStat.OfPath(path)!.Value.Identity);
        var journal = new SourceJournal(maxEntries, 64 * 1024);
        var offset = 0L;
        for (var i = 0; i < count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(lines[i]);
            journal.Add(new LogLine(bytes, file, offset, offset + bytes.Length + 1, 1_000_000 + i * 1000L) { Seq = i + 1 });
            offset += bytes.Length + 1;
        }
        return (journal, lines);
    }

    [Fact]
    public void A_busy_file_gets_a_segment_a_second_so_a_time_is_found_to_the_second()
    {
        var (journal, _) = JournalSlowly(20, maxEntries: 1000);

        Assert.Equal(20, journal.Entries().Count);
        Assert.Equal(8, journal.SeqAt(1_000_000 + 7 * 1000L));
        Assert.Equal(9, journal.SeqAt(1_000_000 + 7 * 1000L + 1));
    }

    [Fact]
    public void Past_its_cap_the_journal_joins_old_segments_and_every_line_stays_readable()
    {
        var (journal, lines) = JournalSlowly(64, maxEntries: 16);

        var replayed = journal.Replay(1, 64, 0);

        Assert.True(journal.Entries().Count <= 16, $"{journal.Entries().Count} entries");
        Assert.Empty(replayed.OfType<SequenceGap>());
        Assert.Equal(lines, replayed.OfType<LogLine>().Select(l => l.Text));
    }
}
