using System.Buffers;
using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;

namespace TailHub.Sources;

/// <summary>
/// Follows every file a source's path names, in one loop per source, and writes what it reads, in order, to the
/// source's channel. A file is known by its identity, not its name (<see cref="TailedFile"/>); each look first finds
/// which file every path names now, then decides, so a rename is never mistaken for a new file whatever order the
/// renames and the directory scan happen in:
/// <list type="bullet">
/// <item>no file at the path: waiting (said once), until one appears, which is then read from its start;</item>
/// <item>same file grew: read the new bytes;</item>
/// <item>same file shrank below the offset (truncate, copytruncate): flush the held partial line, say so, restart at 0;</item>
/// <item>the path names a file already followed (renamed within the glob, or back into it, even after it was closed):
/// continue it where it was;</item>
/// <item>the path names another file (rename + create, delete + re-create, a swapped symlink): read the old file to
/// its end, say so, and start the new one at 0. The old file is read to its end again before each read of the new
/// one (a writer that reopens wrote it first), and keeps being read for <see cref="TailHubOptions.RotatedFileGrace"/>
/// after its last growth (or its leaving) while no path names it, for writers that reopen late; then its partial
/// last line is flushed;</item>
/// <item>the file vanished: read it to its end through the open handle; said as rotated if it still has a name
/// somewhere (found in its directory or the source's <c>RotatedFiles</c> when possible), as deleted otherwise;</item>
/// <item>a compressed file (by name or by its first bytes) is never read as text; a new file starting with the same
/// bytes as one being read is a copytruncate copy until shown otherwise, and continues from where that one was;</item>
/// <item>a file that cannot be opened or read is said once, retried with backoff, and its recovery said once.</item>
/// </list>
/// Files are read in the order of their last write, so what was written first is read first across files too.
/// A partial last line is held until its newline; it is emitted without one only when its file can no longer grow
/// (rotated away past the grace period, truncated, deleted).
/// Files that exist at start-up are followed from their end, with their last <see cref="TailHubOptions.InitialLines"/> lines.
/// A read far behind the file's end (a big file appeared) with nobody watching counts whole lines in bulk
/// (<see cref="LineRun"/>) instead of making an object per line: they are numbered and journalled, and read back only
/// if someone asks for them.
/// </summary>
public sealed class FileTailer
{
    private const int ReadBufferBytes = 256 * 1024;

    // A catch-up counts lines in bulk until this close to the end, then splits the rest line by line, so the
    // backlog holds real lines (a viewer asking for more reads them back from the file).
    private const long BulkTailBytes = 2 * ReadBufferBytes;
    private const int BulkReadBytes = 1024 * 1024;

    private readonly string _name;
    private readonly SourcePath _path;
    private readonly TailHubOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SourceWriter _writer;
    private readonly FileLocator _locator;
    private readonly FileOpener _open;
    private readonly TailerOutput _output;
    private readonly Dictionary<string, WatchedPath> _paths = new(StringComparer.Ordinal);
    // Every open file, by identity and in the order opened (older files are read first).
    private readonly Dictionary<FileIdentity, TailedFile> _files = [];
    private readonly List<TailedFile> _reading = [];
    // Files found compressed by their first bytes, so they are not opened again on every look.
    private readonly HashSet<FileIdentity> _compressed = [];
    // Files closed lately, and truncations seen lately (for copytruncate copies).
    private readonly ClosedFiles _closed = new();
    private readonly CopytruncateCopies _copies = new();
    private readonly byte[] _buffer = new byte[ReadBufferBytes];
    private readonly byte[] _head = new byte[FileHead.MaxBytes];
    private readonly byte[] _otherHead = new byte[FileHead.MaxBytes];
    private readonly List<(TailedFile File, FileStat? Stat)> _toRead = [];
    private readonly List<SourceRecord> _lines = [];
    private long _opened;

    /// <param name="writer">Where lines and notices go; it also says whether anyone watches (then a catch-up is split
    /// here, as usual: counted lines would only be read back by the broadcaster, on its one thread, instead of split
    /// here alongside it), and how far each file was read before a restart.</param>
    /// <param name="locator">Where rotated files are looked for, to say where a file went (the source's <c>RotatedFiles</c>).</param>
    /// <param name="open">How files are opened (tests make one fail as an unreadable file does).</param>
    public FileTailer(string name, SourcePath path, TailHubOptions options, SourceWriter writer, TimeProvider time, ILogger logger,
        FileLocator? locator = null, FileOpener? open = null, SourceCounters? counters = null)
    {
        _writer = writer;
        _name = name;
        _path = path;
        _options = options;
        _time = time;
        _logger = logger;
        _locator = locator ?? new FileLocator();
        _open = open ?? FileOpeners.ReadShared;
        _output = new TailerOutput(name, writer, logger, counters ?? new SourceCounters(time));
    }

    public SourceStatus Status { get; private set; } = SourceStatus.Starting;
    public long LinesRead => _output.LinesRead;
    public long BytesRead => _output.BytesRead;
    public long Rotations => _output.Rotations;
    public long Truncations => _output.Truncations;

    private TimeSpan Grace => _options.RotatedFileGrace;

    // How long a truncation is remembered for its copy to be recognised: the copy is seen at the latest by the next poll.
    private TimeSpan CopyWindow => Grace > 2 * _options.PollInterval ? Grace : 2 * _options.PollInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var signal = new FileChangeSignal(_time, _options.PollInterval, recursive: _path.IsGlob && _path.Glob!.Contains('/'), _logger);
        var first = true;
        try
        {
            while (true)
            {
                // A write only needs reading and a look at the known paths; searching the glob again and rebuilding
                // the status wait for a structural change (create, delete, rename, watcher overflow) or the poll tick.
                var structural = signal.TakeStructuralChange();
                if (structural) signal.Watch(DirectoriesToWatch());
                await LookAsync(structural, first, cancellationToken);
                await ReadAllAsync(cancellationToken);
                if (structural || _output.StatusChanged)
                {
                    Prune(structural);
                    UpdateStatus();
                }
                first = false;
                await signal.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var file in _reading) file.Follower.Dispose();
        }
    }

    private IEnumerable<string> DirectoriesToWatch()
    {
        yield return _path.BaseDirectory;
        // Writes through a symlink land in its target's directory, which the path's own watcher does not see.
        foreach (var watched in _paths.Values)
        {
            if (watched.Current is null) continue;
            var target = ResolveLinkTarget(watched.Path);
            if (target is not null && Path.GetDirectoryName(target) is { } dir && dir != _path.BaseDirectory) yield return dir;
        }
    }

    private static string? ResolveLinkTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The paths to look at: the source's file, or the glob's matches (searched again on a structural change) and those already known.</summary>
    private List<string> PathsToLook(bool structural)
    {
        if (_path.SingleFile is { } single) return [single];
        var paths = new List<string>(_paths.Keys);
        if (structural)
        {
            foreach (var file in _path.ExistingFiles())
            {
                if (!_paths.ContainsKey(file) && !CompressedFile.HasCompressedName(file)) paths.Add(file);
            }
        }
        return paths;
    }

    /// <summary>
    /// Finds which file each path names now, then: files that left a path are read to their end and said rotated or
    /// deleted; a path naming a file already followed continues it; only an identity never seen is opened as new.
    /// </summary>
    private async Task LookAsync(bool structural, bool atStartup, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // Everything is looked at before anything is decided, so one file can never look like two.
        var observed = new List<(WatchedPath Watched, FileStat? Stat)>();
        foreach (var path in PathsToLook(structural))
        {
            if (!_paths.TryGetValue(path, out var watched)) _paths[path] = watched = new WatchedPath(path);
            observed.Add((watched, FileStat.OfPath(path)));
        }

        var left = new List<(WatchedPath Watched, TailedFile File, bool Replaced)>();
        foreach (var (watched, stat) in observed)
        {
            if (watched.Skipped is { } skipped && skipped != stat?.Identity) watched.Skipped = null;
            if (stat is null && watched.Error is not null)
            {
                // The file that could not be read is gone: there is nothing left to fail.
                watched.Error = null;
                _output.StatusChanged = true;
            }
            if (watched.Current is { } current && current.Identity != stat?.Identity)
            {
                watched.Current = null;
                left.Add((watched, current, stat is not null));
            }
        }

        // A path naming a file followed under another name (or rotated away and back) continues it where it is.
        foreach (var (watched, stat) in observed)
        {
            if (stat is { } s && watched.Current is null && _files.TryGetValue(s.Identity, out var known)) Attach(watched, known);
        }

        foreach (var (watched, file, replaced) in left) await LeftAsync(watched, file, replaced, cancellationToken);

        // Only now is anything opened: every identity that is not new has been claimed above. Files found at once are
        // opened, and so read, oldest first: of files a writer rotated, the one written last holds its newest lines.
        var toOpen = observed.Where(o => o.Stat is { } s && o.Watched.Current is null && o.Watched.Skipped != s.Identity).OrderBy(o => o.Stat!.Value.ModifiedNs);
        foreach (var (watched, stat) in toOpen)
        {
            if (_compressed.Contains(stat!.Value.Identity))
            {
                watched.Skipped = stat.Value.Identity;
                continue;
            }
            Open(watched, atStartup, now);
        }

        if (atStartup) ResumeFilesRotatedWhileStopped(now);

        if (_path.SingleFile is { } single && _paths[single] is { Current: null, Skipped: null, Error: null, SaidWaiting: false } waiting)
        {
            waiting.SaidWaiting = true;
            _output.Notice(NoticeKind.Waiting, single, $"waiting for {single} to exist");
        }
        await _output.FlushAsync(cancellationToken);
    }

    private void Attach(WatchedPath watched, TailedFile file)
    {
        watched.Current = file;
        watched.SaidWaiting = false;
        file.Retiring = false;
        HandOverPredecessors(watched);
        // Shown, and journalled, under a name it has now.
        if (!(_paths.TryGetValue(file.Follower.File.Path, out var named) && named.Current == file)) file.Follower.Renamed(watched.Path);
    }

    /// <summary>
    /// <paramref name="file"/> is no longer what <paramref name="watched"/> names: it is read to its end, then viewers are
    /// told where it went. It stays followed under another of the source's paths, or is retired.
    /// </summary>
    private async Task LeftAsync(WatchedPath watched, TailedFile file, bool replaced, CancellationToken cancellationToken)
    {
        await ReadFileAsync(file, cancellationToken);
        watched.Previous.Add(file);
        HandOverPredecessors(watched);
        var then = replaced ? "following the new file" : "waiting for the new file";
        var elsewhere = _paths.Values.FirstOrDefault(p => p.Current == file);
        if (elsewhere is not null)
        {
            _output.Notice(NoticeKind.Rotated, watched.Path, $"{watched.Path} was rotated to {Relative(watched.Path, elsewhere.Path)}; {then}", file.Identity);
        }
        else
        {
            file.Retiring = true;
            file.RetiredAt = _time.GetUtcNow();
            watched.SaidWaiting = !replaced;
            // A file that still has a name was moved (rotated), even where it cannot be found.
            if (file.Follower.IsLinked())
            {
                var where = _locator.Find(file.Follower.File) is { } found && found != watched.Path ? $" to {Relative(watched.Path, found)}" : "";
                _output.Notice(NoticeKind.Rotated, watched.Path, $"{watched.Path} was rotated{where}; {then}", file.Identity);
            }
            else if (replaced)
                _output.Notice(NoticeKind.Rotated, watched.Path, $"{watched.Path} was deleted and created again; {then}", file.Identity);
            else
                _output.Notice(NoticeKind.Deleted, watched.Path, $"{watched.Path} was deleted; waiting for it to come back", file.Identity);
        }
        await _output.FlushAsync(cancellationToken);
    }

    /// <summary>What the path named before becomes what its current file is read after.</summary>
    private static void HandOverPredecessors(WatchedPath watched)
    {
        if (watched.Current is not { } current) return;
        foreach (var old in watched.Previous)
        {
            if (old != current && !old.Closed && !current.Predecessors.Contains(old)) current.Predecessors.Add(old);
        }
        watched.Previous.Clear();
    }

    private static string Relative(string from, string to) => Path.GetRelativePath(Path.GetDirectoryName(from) ?? "/", to);

    /// <summary>Opens the file <paramref name="watched"/> names, unless it is a file already followed, compressed, or its last failure is too recent to retry.</summary>
    private void Open(WatchedPath watched, bool atStartup, DateTimeOffset now)
    {
        if (CompressedFile.HasCompressedName(watched.Path)) return;
        if (watched.Error is { } error && !error.DueForRetry(now)) return;
        FileFollower? follower;
        bool truncatedSince;
        try
        {
            // At start-up a file read before continues where it was numbered to (lines written meanwhile are read now);
            // one created while TailHub was stopped is read from its start; any other existing file is history up to
            // its last InitialLines lines, which are read as lines.
            follower = FileFollower.Open(watched.Path, _open, _options.MaxLineBytes, _writer.Redactor, _writer.Classifier, atStartup ? TailLinesAtStartup(watched.Path) : null, now,
                atStartup ? _writer.NumberedTo : null, out truncatedSince);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (watched.Error is { } again) again.FailedAgain(e.Message, now);
            else
            {
                watched.Error = new FileError(e.Message, now, _options.PollInterval);
                _output.Error(watched.Path, e.Message);
            }
            return;
        }
        if (follower is null)
        {
            watched.Error = null;
            return;
        }

        var recovered = watched.Error is not null;
        watched.Error = null;
        if (truncatedSince)
            _output.Notice(NoticeKind.Truncated, watched.Path, $"{watched.Path} was truncated while TailHub was stopped; reading from its start", follower.File.Identity);
        if (_files.TryGetValue(follower.File.Identity, out var known))
        {
            // The path was renamed over between the look and the open: it names a file already followed.
            follower.Dispose();
            Attach(watched, known);
        }
        else if (follower.IsCompressed)
        {
            NotText(watched, follower);
        }
        else if (_closed.Recall(follower) is { } readTo)
        {
            // A file followed before, closed once it had left the source, is back: it continues where it was.
            follower.StartAt(readTo);
            var file = Follow(watched, follower, classified: true, now);
            _output.Notice(NoticeKind.Following, watched.Path, $"following {watched.Path} again from where it was read to", file.Identity);
            return;
        }
        else
        {
            // A file appearing in a glob source may be a copytruncate copy of a file read already: its first bytes tell.
            var file = Follow(watched, follower, classified: atStartup || !_path.IsGlob, now);
            _output.Notice(NoticeKind.Following, watched.Path, recovered ? $"can read {watched.Path} again; following it" : $"following {watched.Path}", file.Identity);
            return;
        }
        if (recovered) _output.Notice(NoticeKind.Following, watched.Path, $"can read {watched.Path} again", follower.File.Identity);
    }

    /// <summary>
    /// Files read before a restart that no path of the source names any more (rotated while TailHub was stopped) but
    /// that grew after they were last read: found by identity (in their directory or <c>RotatedFiles</c>), read from
    /// where they were read to, before whatever their path names now, as a writer that reopened wrote them first.
    /// </summary>
    private void ResumeFilesRotatedWhileStopped(DateTimeOffset now)
    {
        foreach (var position in _writer.Restored)
        {
            var identity = position.File.Identity;
            if (position.File.Spooled || _files.ContainsKey(identity)) continue;
            if (_locator.Find(position.File) is not { } path || FileStat.OfPath(path) is not { } stat || stat.Identity != identity || stat.Size <= position.Offset) continue;
            FileFollower? follower;
            try
            {
                follower = FileFollower.Open(path, _open, _options.MaxLineBytes, _writer.Redactor, _writer.Classifier, tailLines: null, now, id => id == identity ? position.Offset : null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (follower is null || follower.File.Identity != identity || follower.IsCompressed)
            {
                follower?.Dispose();
                continue;
            }
            var file = new TailedFile(follower, ++_opened) { SeenAt = now, Retiring = true, RetiredAt = now };
            _files[identity] = file;
            _reading.Add(file);
            if (_paths.TryGetValue(position.File.Path, out var watched))
            {
                watched.Previous.Add(file);
                HandOverPredecessors(watched);
            }
            _output.Notice(NoticeKind.Rotated, position.File.Path,
                $"{position.File.Path} was rotated to {Relative(position.File.Path, path)} while TailHub was stopped; reading it from where it was read to", identity);
        }
    }

    /// <summary>
    /// How an existing file is read at start-up: as history up to its last <see cref="TailHubOptions.InitialLines"/>
    /// lines, unless it was created after the source's state was last saved (it appeared while TailHub was stopped),
    /// then all of it, as lines. A file read before resumes where it was instead (<see cref="SourceWriter.NumberedTo(FileIdentity)"/>).
    /// </summary>
    private int? TailLinesAtStartup(string path)
    {
        if (_writer.RestoredFrom is not { } saved || FileStat.OfPath(path) is not { Identity.BirthNs: > 0 } stat) return _options.InitialLines;
        return stat.Identity.BirthNs > saved.ToUnixTimeMilliseconds() * 1_000_000 ? null : _options.InitialLines;
    }

    private TailedFile Follow(WatchedPath watched, FileFollower follower, bool classified, DateTimeOffset now)
    {
        var file = new TailedFile(follower, ++_opened) { Classified = classified, SeenAt = now };
        _files[file.Identity] = file;
        _reading.Add(file);
        Attach(watched, file);
        return file;
    }

    private void NotText(WatchedPath watched, FileFollower follower)
    {
        _compressed.Add(follower.File.Identity);
        watched.Skipped = follower.File.Identity;
        follower.Dispose();
        _logger.LogInformation("Source {Source}: {Path} is compressed; it is not tailed as text", _name, watched.Path);
    }

    /// <summary>
    /// Tells whether a file that appeared in a glob source is a copytruncate copy, from its first bytes; true when it
    /// may be read now. One starting with the bytes a file started with before it was truncated continues from where
    /// that file was read to. One starting like a file still being read waits for that file's truncation (logrotate
    /// copies, then truncates; see <see cref="TailedFile.CopyOf"/>). One whose bytes so far only begin such a file
    /// (a copy being written) waits for more. Anything else, or anything still undecided after the copy window, is a
    /// file of its own, read from its start.
    /// </summary>
    private bool Classify(TailedFile file, DateTimeOffset now)
    {
        var head = _head.AsSpan(0, file.Follower.ReadHead(_head));
        if (_copies.ResumeAt(head, out var prefix) is { } resumeAt)
        {
            file.Classified = true;
            file.Follower.StartAt(Math.Min(resumeAt, file.Follower.CurrentSize()));
            return true;
        }
        var undecided = head.IsEmpty || prefix == HeadMatch.Prefix;
        foreach (var other in _reading)
        {
            if (other == file || other.Retiring || !other.Classified) continue;
            var match = CopytruncateCopies.Compare(other.Follower.HeadBytes, head);
            // None of what the other file holds now has been read yet (it was truncated and written again since the
            // last look): its first bytes on disk tell whether this is its copy, made before the truncation to come.
            if (match == HeadMatch.Different && other.Follower.HeadBytes.IsEmpty)
                match = CopytruncateCopies.Compare(_otherHead.AsSpan(0, other.Follower.ReadHead(_otherHead)), head);
            if (match == HeadMatch.Same)
            {
                file.Classified = true;
                file.CopyOf = other;
                file.CopySeen = now;
                return false;
            }
            undecided |= match == HeadMatch.Prefix;
        }
        if (undecided && now - file.SeenAt < CopyWindow) return false;
        file.Classified = true;
        return true;
    }

    /// <summary>
    /// Reads every file, in the order of their last write (then the order they were opened in): what was written
    /// first is read first, across files too, even for a file found after one written later (a copy the tailer
    /// only found after the file it was copied from had been truncated and written to again).
    /// </summary>
    private async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _toRead.Clear();
        foreach (var file in _reading) _toRead.Add((file, file.Follower.Stat()));
        _toRead.Sort(static (a, b) => a.Stat?.ModifiedNs != b.Stat?.ModifiedNs
            ? (a.Stat?.ModifiedNs ?? long.MaxValue).CompareTo(b.Stat?.ModifiedNs ?? long.MaxValue)
            : a.File.Order.CompareTo(b.File.Order));
        List<TailedFile>? done = null;
        foreach (var (file, stat) in _toRead)
        {
            await ReadFileAsync(file, cancellationToken, stat);
            if (file.Closed || (file.Retiring && now - Later(file.Follower.LastGrowth, file.RetiredAt) >= Grace)) (done ??= []).Add(file);
        }
        if (done is null) return;
        foreach (var file in done) Close(file);
        await _output.FlushAsync(cancellationToken);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// Reads <paramref name="file"/> to its end, its predecessors first: they are read to their end after the file's size
    /// is taken, and the file only up to that size, so nothing a reopening writer wrote to the old file comes after
    /// anything it wrote to the new one.
    /// </summary>
    /// <param name="stat">The file's size and last write, when the caller just took them.</param>
    private async Task ReadFileAsync(TailedFile file, CancellationToken cancellationToken, FileStat? stat = null)
    {
        if (file.Reading || file.Closed) return;
        var now = _time.GetUtcNow();
        if (!file.Classified && !Classify(file, now)) return;
        if (file.CopyOf is { } original)
        {
            if (!original.Closed && now - file.CopySeen < CopyWindow) return;
            // Not truncated after all: another file that starts the same way, read from its start.
            file.CopyOf = null;
        }
        if (file.Error is { } error && !error.DueForRetry(now)) return;
        file.Reading = true;
        try
        {
            // One fstat decides most looks: a file with the size and last write it had when last read holds nothing new.
            stat ??= file.Follower.Stat();
            if (stat is { } unchanged && file.Error is null && file.Follower.Unchanged(unchanged)) return;
            var size = stat?.Size ?? file.Follower.CurrentSize();
            var limit = long.MaxValue;
            if (file.Predecessors.Count > 0)
            {
                limit = size;
                for (var i = 0; i < file.Predecessors.Count; i++)
                {
                    var old = file.Predecessors[i];
                    if (old.Closed || now - old.Follower.LastGrowth >= Grace)
                    {
                        file.Predecessors.RemoveAt(i--);
                        continue;
                    }
                    await ReadFileAsync(old, cancellationToken);
                }
            }
            // Before reading: bytes read after a truncation-and-refill would be the middle of new content.
            if (file.Follower.WasReplaced(size)) await RestartTruncatedAsync(file, cancellationToken);
            await ReadToEndAsync(file, limit, cancellationToken);
            if (stat is { } read) file.Follower.Saw(read);
            if (file.Follower.IsCompressed) StopCompressed(file);
            if (file.Error is not null)
            {
                file.Error = null;
                _output.Notice(NoticeKind.Following, file.Follower.File.Path, $"can read {file.Follower.File.Path} again", file.Identity);
            }
            await _output.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await _output.FlushAsync(cancellationToken);
            if (file.Error is { } again) again.FailedAgain(e.Message, now);
            else
            {
                file.Error = new FileError(e.Message, now, _options.PollInterval);
                _output.Error(file.Follower.File.Path, e.Message);
                await _output.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            file.Reading = false;
        }
    }

    private async Task ReadToEndAsync(TailedFile file, long limit, CancellationToken cancellationToken)
    {
        var follower = file.Follower;
        // Set once a read fills the buffer: up to here the file is read in bulk (see FileFollower.ReadRun), in
        // larger reads, into a buffer borrowed for the catch-up only.
        long bulkUntil = -1;
        byte[]? bulkBuffer = null;
        try
        {
            while (true)
            {
                int n;
                bool replaced;
                LineRun? run = null;
                var timestampMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var readTimestamp = _time.GetTimestamp();
                if (follower.Offset < follower.BackfillUntil)
                {
                    // What the file held before TailHub started reading it is history: counted in bulk whoever watches,
                    // up to where its last lines start, which are read as lines.
                    bulkBuffer ??= ArrayPool<byte>.Shared.Rent(BulkReadBytes);
                    run = follower.ReadRun(bulkBuffer, _lines, timestampMs, readTimestamp, out n, out replaced, Math.Min(limit, follower.BackfillUntil));
                }
                else if (follower.Offset + BulkReadBytes <= bulkUntil && !_writer.IsWatched)
                {
                    bulkBuffer ??= ArrayPool<byte>.Shared.Rent(BulkReadBytes);
                    run = follower.ReadRun(bulkBuffer, _lines, timestampMs, readTimestamp, out n, out replaced, limit);
                }
                else
                {
                    n = follower.Read(_buffer, _lines, timestampMs, readTimestamp, out replaced, limit);
                }
                if (n == 0) return;
                if (replaced)
                {
                    // Truncated and refilled between the last look and this read: what was read is the new content's middle.
                    await RestartTruncatedAsync(file, cancellationToken);
                    bulkUntil = -1;
                    continue;
                }
                follower.LastGrowth = _time.GetUtcNow();
                _output.BytesReadFrom(n);
                if (run is not null) _output.Run(run);
                _output.Lines(_lines);
                if (bulkUntil < 0 && n == _buffer.Length) bulkUntil = Math.Min(limit, follower.CurrentSize()) - BulkTailBytes;
                // Hand over a full buffer's worth at a time: a long catch-up read streams instead of piling up.
                await _output.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            if (bulkBuffer is not null) ArrayPool<byte>.Shared.Return(bulkBuffer);
        }
    }

    /// <summary>
    /// The file shrank or was replaced in place: its held partial line is final, and reading restarts at 0. Its
    /// copytruncate copy (made before the truncation: waiting for it, or found now among the glob's files) continues
    /// from where the file was read to, and is read to its end at once, before anything the file holds now.
    /// </summary>
    private async Task RestartTruncatedAsync(TailedFile file, CancellationToken cancellationToken)
    {
        var follower = file.Follower;
        var before = follower.File;
        var head = follower.HeadBytes.ToArray();
        // The copy is made before the truncation: it waits for it, or is among the glob's files now.
        var copies = head.Length == 0 ? [] : _reading.Where(c => c.CopyOf == file).ToList();
        if (head.Length > 0 && copies.Count == 0 && FollowCopy(head) is { } found) copies.Add(found);
        // A line the file held only part of is read whole from the copy; with no copy, what was held is final.
        var resumeAt = copies.Count > 0 ? follower.CommittedOffset : follower.Offset;
        if (copies.Count == 0) FlushPartial(follower);
        follower.Restart();
        _output.Notice(NoticeKind.Truncated, before.Path, $"{before.Path} was truncated; reading from its start", before.Identity);
        if (head.Length == 0) return;
        _copies.Truncated(head, resumeAt, _time.GetUtcNow());
        foreach (var copy in copies)
        {
            copy.CopyOf = null;
            copy.Follower.StartAt(Math.Min(resumeAt, copy.Follower.CurrentSize()));
            await ReadFileAsync(copy, cancellationToken);
        }
    }

    /// <summary>A file of the glob not followed yet, or not yet told apart, that starts with <paramref name="head"/>, now followed.</summary>
    private TailedFile? FollowCopy(byte[] head)
    {
        foreach (var unclassified in _reading)
        {
            if (unclassified.Classified || CopytruncateCopies.Compare(head, unclassified.Follower.HeadBytes) != HeadMatch.Same) continue;
            unclassified.Classified = true;
            return unclassified;
        }
        if (!_path.IsGlob) return null;
        foreach (var path in _path.ExistingFiles())
        {
            if (CompressedFile.HasCompressedName(path) || (_paths.TryGetValue(path, out var known) && (known.Current is not null || known.Skipped is not null))) continue;
            if (FileStat.OfPath(path) is not { } stat || _files.ContainsKey(stat.Identity) || _compressed.Contains(stat.Identity)) continue;
            FileFollower? follower;
            try
            {
                follower = FileFollower.Open(path, _open, _options.MaxLineBytes, _writer.Redactor, _writer.Classifier, tailLines: null, _time.GetUtcNow());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // The next look says so.
            }
            if (follower is null) continue;
            if (follower.IsCompressed || _files.ContainsKey(follower.File.Identity) || CopytruncateCopies.Compare(head, _head.AsSpan(0, follower.ReadHead(_head))) != HeadMatch.Same)
            {
                follower.Dispose();
                continue;
            }
            if (known is null) _paths[path] = known = new WatchedPath(path);
            var copy = Follow(known, follower, classified: true, _time.GetUtcNow());
            _output.Notice(NoticeKind.Following, path, $"following {path}, a copy of what was truncated, from where that was read to", copy.Identity);
            return copy;
        }
        return null;
    }

    private void StopCompressed(TailedFile file)
    {
        foreach (var watched in _paths.Values)
        {
            if (watched.Current != file) continue;
            watched.Current = null;
            watched.Skipped = file.Identity;
        }
        _compressed.Add(file.Identity);
        file.Closed = true;
        _logger.LogInformation("Source {Source}: {Path} turned out to be compressed; it is not tailed as text", _name, file.Follower.File.Path);
    }

    private void Close(TailedFile file)
    {
        if (!file.Follower.IsCompressed)
        {
            FlushPartial(file.Follower);
            _closed.Remember(file.Follower);
        }
        file.Follower.Dispose();
        file.Closed = true;
        _reading.Remove(file);
        if (_files.TryGetValue(file.Identity, out var same) && same == file) _files.Remove(file.Identity);
        _output.StatusChanged = true;
    }

    private void FlushPartial(FileFollower follower)
    {
        if (follower.FlushPartial(_lines, _time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp())) _output.Lines(_lines);
    }

    /// <summary>Forgets what no longer matters: glob matches that are gone, compressed files no path names, old truncations.</summary>
    private void Prune(bool structural)
    {
        var now = _time.GetUtcNow();
        _copies.Forget(now, CopyWindow);
        if (!structural || _path.SingleFile is not null) return;
        foreach (var watched in _paths.Values.ToList())
        {
            // A path that named a file still open is kept: what it names next is read after that file.
            if (watched.Current is null && !File.Exists(watched.Path) && watched.Previous.All(p => p.Closed))
            {
                _paths.Remove(watched.Path);
                if (watched.Error is not null) _output.StatusChanged = true;
            }
        }
        _compressed.IntersectWith(_paths.Values.Where(p => p.Skipped is not null).Select(p => p.Skipped!.Value));
    }

    private void UpdateStatus()
    {
        _output.StatusChanged = false;
        var files = new List<FollowedFile>();
        foreach (var file in _reading)
        {
            var f = file.Follower;
            files.Add(new FollowedFile(f.File.Path, f.Offset, file.Identity.ToString(), file.Retiring, file.Error?.Message));
        }
        foreach (var watched in _paths.Values)
        {
            if (watched is { Current: null, Error: { } error }) files.Add(new FollowedFile(watched.Path, 0, "", false, error.Message));
        }
        var errors = files.Where(f => f.Error is not null).ToList();
        var state = files.Any(f => !f.Rotated && f.Error is null) ? SourceState.Following
            : errors.Count > 0 ? SourceState.Error
            : SourceState.Waiting;
        var message = errors.Count switch
        {
            1 => $"cannot read {errors[0].Path}: {errors[0].Error}",
            > 1 => $"cannot read {errors.Count} files; {errors[0].Path}: {errors[0].Error}",
            _ => state == SourceState.Waiting ? $"waiting for {_path}" : null,
        };
        if (Status.State != state || Status.Message != message || !Status.Files.SequenceEqual(files)) Status = new SourceStatus(state, files, message);
    }
}
