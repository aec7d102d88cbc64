using Microsoft.Extensions.Logging.Abstractions;
using TailHub.Pipeline;
using TailHub.Pipeline.State;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Pipeline.State;

/// <summary>A source's state between runs: saved atomically, restored exactly, and never a reason not to start.</summary>
public sealed class SourceStateStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Directory => _folder.PathOf("state");

    private SourceStateStore Open(string source = "app", string kind = "file", int journalEntries = 100) =>
        SourceStateStore.Open(Directory, source, kind, journalEntries, TimeProvider.System, NullLogger.Instance);

    private static FileRef File(string name) => new($"/var/log/{name}", new FileIdentity(1, (ulong)name.GetHashCode() & 0xffff));

    /// <summary>Journals <paramref name="count"/> lines of <paramref name="file"/> from <paramref name="firstSeq"/>, contiguous.</summary>
    private static void Lines(SourceJournal journal, FileRef file, long firstSeq, int count, long startOffset = 0)
    {
        for (var i = 0; i < count; i++)
            journal.Add(new LogLine("x"u8.ToArray(), file, startOffset + 2 * i, startOffset + 2 * i + 2, 1000) { Seq = firstSeq + i });
    }

    [Fact]
    public void A_saved_state_is_restored_with_its_epoch_sequence_journal_and_positions()
    {
        string epoch;
        using (var store = Open())
        {
            epoch = store.Epoch;
            var journal = new SourceJournal(100, 1024, persist: store.Append);
            Lines(journal, File("a.log"), 1, 5);
            journal.Add(new SourceNotice(NoticeKind.Rotated, "/var/log/a.log", "rotated", 1000) { Seq = 6 });
            Lines(journal, File("b.log"), 7, 3);
            store.Save(journal);
        }

        using var restored = Open();

        Assert.Equal(epoch, restored.Epoch);
        Assert.Equal(9, restored.LastSeq);
        Assert.Equal([1L, 6, 7], restored.Entries.Select(e => e.FirstSeq));
        Assert.Equal(NoticeKind.Rotated, restored.Entries[1].Notice!.Kind);
        Assert.Contains(restored.Positions, p => p.File.Path == "/var/log/a.log" && p.Offset == 10);
        Assert.Contains(restored.Positions, p => p.File.Path == "/var/log/b.log" && p.Offset == 6);
    }

    [Fact]
    public void Journal_entries_written_after_the_last_checkpoint_are_not_trusted()
    {
        using (var store = Open())
        {
            var journal = new SourceJournal(100, 1024, persist: store.Append);
            Lines(journal, File("a.log"), 1, 2);
            store.Save(journal);
            // A new segment reaches the log, but TailHub dies before the next checkpoint: that record is read again.
            journal.Add(new SourceNotice(NoticeKind.Truncated, "/var/log/a.log", "truncated", 1000) { Seq = 3 });
        }

        using var restored = Open();

        Assert.Equal(2, restored.LastSeq);
        Assert.Equal([1L], restored.Entries.Select(e => e.FirstSeq));
    }

    [Fact]
    public void A_corrupt_checkpoint_is_set_aside_and_a_new_sequence_starts()
    {
        string epoch;
        using (var store = Open())
        {
            epoch = store.Epoch;
            var journal = new SourceJournal(100, 1024, persist: store.Append);
            Lines(journal, File("a.log"), 1, 2);
            store.Save(journal);
        }
        System.IO.File.WriteAllText(Path.Combine(Directory, "checkpoint.json"), "{ not json");

        using var restored = Open();

        Assert.NotEqual(epoch, restored.Epoch);
        Assert.Equal(0, restored.LastSeq);
        Assert.Empty(restored.Entries);
        var aside = Assert.Single(System.IO.Directory.GetDirectories(Directory, "set-aside-*"));
        Assert.Equal("{ not json", System.IO.File.ReadAllText(Path.Combine(aside, "checkpoint.json")));
    }

    [Fact]
    public void The_state_of_another_kind_of_source_under_the_same_name_is_set_aside()
    {
        string epoch;
        using (var store = Open(kind: "file"))
        {
            epoch = store.Epoch;
            store.Save(new SourceJournal(100, 1024, persist: store.Append), force: true);
        }

        using var restored = Open(kind: "push");

        Assert.NotEqual(epoch, restored.Epoch);
        Assert.Single(System.IO.Directory.GetDirectories(Directory, "set-aside-*"));
    }

    [Fact]
    public void A_journal_log_far_longer_than_the_journal_is_compacted_to_what_it_holds()
    {
        using (var store = Open(journalEntries: 16))
        {
            var journal = new SourceJournal(16, 1024, persist: store.Append);
            for (var seq = 1; seq <= 2000; seq++) journal.Add(new SourceNotice(NoticeKind.Following, "/x", "", 1000) { Seq = seq });
            store.Save(journal);
        }

        using var restored = Open(journalEntries: 16);

        Assert.Equal(2000, restored.LastSeq);
        Assert.Equal(Enumerable.Range(1985, 16).Select(s => (long)s), restored.Entries.Select(e => e.FirstSeq));
        Assert.Single(System.IO.Directory.GetFiles(Directory, "journal-*.ndjson"));
    }
}
