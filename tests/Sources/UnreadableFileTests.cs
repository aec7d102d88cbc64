using TailHub.Pipeline;
using Microsoft.Extensions.Time.Testing;
using TailHub.Sources;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources;

/// <summary>
/// A file the process may not read: said once (one event, one warning), retried with backoff, shown per file, and its
/// recovery said once. Opening is made to fail as it does for a mode-000 file, since these tests may run as root
/// (<see cref="UnreadableFileAsAnotherUserTests"/> checks the real thing with a real non-root process).
/// </summary>
public sealed class UnreadableFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Locks _locks = new();
    private int _wakes;

    public UnreadableFileTests()
    {
        File.WriteAllText(P("busy.log"), "");
        File.WriteAllText(P("locked.log"), "secret\n");
        _locks.Lock(P("locked.log"));
    }

    public void Dispose() => _folder.Dispose();

    private string P(string name) => _folder.PathOf(name);

    /// <summary>Opens files as usual, except those locked, which fail as a file without read permission does.</summary>
    private sealed class Locks
    {
        private readonly HashSet<string> _locked = [];
        private readonly Dictionary<string, int> _attempts = [];

        public void Lock(string path) { lock (_locked) _locked.Add(path); }
        public void Unlock(string path) { lock (_locked) _locked.Remove(path); }
        public int Attempts(string path) { lock (_locked) return _attempts.GetValueOrDefault(path); }

        public Microsoft.Win32.SafeHandles.SafeFileHandle Open(string path)
        {
            lock (_locked)
            {
                _attempts[path] = _attempts.GetValueOrDefault(path) + 1;
                if (_locked.Contains(path)) throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            }
            return FileOpeners.ReadShared(path);
        }
    }

    /// <summary>Makes the tailer look again: a line written to another file, waited for until it is read.</summary>
    private async Task LookAgainAsync(TailerHarness tailer)
    {
        var line = $"wake {++_wakes}";
        File.AppendAllText(P("busy.log"), line + "\n");
        await tailer.WaitUntilAsync(h => h.Lines.Contains(line), line);
    }

    private int ErrorsAbout(TailerHarness tailer, string name) => tailer.Notices.Count(n => n.Kind == NoticeKind.Error && n.Path == P(name));

    [Fact]
    public async Task An_unreadable_file_is_said_once_however_often_the_tailer_looks_and_retries()
    {
        var time = new FakeTimeProvider();
        await using var tailer = new TailerHarness("*.log", _folder, open: _locks.Open, time: time);
        await tailer.WaitForNoticeAsync(NoticeKind.Error);

        // Writes wake the tailer, and new files make it search the glob again.
        for (var i = 0; i < 100; i++) await LookAgainAsync(tailer);
        for (var i = 0; i < 10; i++)
        {
            File.WriteAllText(P($"new-{i}.log"), $"new {i}\n");
            await tailer.WaitUntilAsync(h => h.Lines.Contains($"new {i}"), $"new file {i}");
        }
        // Each retry fails again.
        for (var i = 0; i < 5; i++)
        {
            time.Advance(FileError.MaxRetryDelay);
            await LookAgainAsync(tailer);
        }

        Assert.Equal(6, _locks.Attempts(P("locked.log")));
        Assert.Equal(1, ErrorsAbout(tailer, "locked.log"));
        Assert.Single(tailer.Logger.Messages, m => m.StartsWith("Warning") && m.Contains("locked.log"));
    }

    [Fact]
    public async Task An_unreadable_file_is_shown_with_its_error_while_the_others_are_followed()
    {
        await using var tailer = new TailerHarness("*.log", _folder, open: _locks.Open);

        await tailer.WaitUntilAsync(h => h.Tailer.Status.Files.Any(f => f.Error is not null), "the file's error in the status");

        var status = tailer.Tailer.Status;
        Assert.Equal(SourceState.Following, status.State);
        var locked = Assert.Single(status.Files, f => f.Path == P("locked.log"));
        Assert.Contains("denied", locked.Error);
        Assert.Null(Assert.Single(status.Files, f => f.Path == P("busy.log")).Error);
        Assert.Contains("locked.log", status.Message);
    }

    [Fact]
    public async Task Opening_an_unreadable_file_is_tried_again_after_delays_that_double()
    {
        var time = new FakeTimeProvider();
        await using var tailer = new TailerHarness("*.log", _folder, o => o.PollInterval = TimeSpan.FromSeconds(1), open: _locks.Open, time: time);
        await tailer.WaitForNoticeAsync(NoticeKind.Error);
        var locked = P("locked.log");

        for (var i = 0; i < 5; i++) await LookAgainAsync(tailer);
        Assert.Equal(1, _locks.Attempts(locked));

        // Failed at 0 s: tried again at 1 s, then 2 s later (3 s), then 4 s later (7 s).
        var expected = new[] { (1, 2), (2, 2), (3, 3), (5, 3), (6, 3), (7, 4) };
        var now = 0;
        foreach (var (at, attempts) in expected)
        {
            time.Advance(TimeSpan.FromSeconds(at - now));
            now = at;
            await LookAgainAsync(tailer);
            Assert.True(attempts == _locks.Attempts(locked), $"at {at} s: {_locks.Attempts(locked)} attempts, expected {attempts}");
        }
        Assert.Equal(1, ErrorsAbout(tailer, "locked.log"));
    }

    [Fact]
    public async Task A_file_that_becomes_readable_is_read_and_its_recovery_said_once()
    {
        await using var tailer = new TailerHarness("*.log", _folder, open: _locks.Open);
        await tailer.WaitForNoticeAsync(NoticeKind.Error);

        _locks.Unlock(P("locked.log"));

        await tailer.WaitUntilAsync(h => h.Lines.Contains("secret"), "the file's line once it can be read");
        for (var i = 0; i < 20; i++) await LookAgainAsync(tailer);
        Assert.Single(tailer.Notices, n => n.Kind == NoticeKind.Following && n.Path == P("locked.log") && n.Message.Contains("again"));
        Assert.Single(tailer.Logger.Messages, m => m.Contains("can read") && m.Contains("locked.log"));
        Assert.DoesNotContain(tailer.Tailer.Status.Files, f => f.Error is not null);
    }
}
