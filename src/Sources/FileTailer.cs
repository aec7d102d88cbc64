using System.Buffers;
using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Pipeline.Redaction;

namespace TailHub.Sources;

/// <summary>
/// Follows every file a source's path names, in one loop per source, and writes what it reads, in order, to the
/// source's channel. Per watched path it is a small state machine:
/// <list type="bullet">
/// <item>no file: waiting (said once), until one appears, which is then read from its start;</item>
/// <item>same file grew: read the new bytes;</item>
/// <item>same file shrank below the offset (truncate, copytruncate): flush the held partial line, say so, restart at 0;</item>
/// <item>the path names another file (rename + create, delete + re-create, a swapped symlink): read the old file to
/// its end, say so, and start the new one at 0. The old file keeps being read for <see cref="TailHubOptions.RotatedFileGrace"/>
/// after its last growth, for writers that reopen late, then its partial last line is flushed;</item>
/// <item>the file vanished: read it to its end through the open handle, then wait as above.</item>
/// </list>
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
    private readonly ChannelWriter<SourceRecord[]> _output;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LineRedactor _redactor;
    private readonly Func<bool> _linesWatched;
    private readonly Dictionary<string, WatchedPath> _paths = new(StringComparer.Ordinal);
    private readonly byte[] _buffer = new byte[ReadBufferBytes];
    private readonly List<SplitLine> _split = [];
    private readonly List<SourceRecord> _pending = [];
    private long _linesRead;
    private long _bytesRead;
    private long _rotations;
    private long _truncations;
    private long _lastReadTimestamp;
    private string? _lastError;
    private bool _statusChanged;

    /// <param name="linesWatched">True while someone watches the source live. Then a catch-up is split here, as
    /// usual: counted lines would only be read back by the broadcaster, on its one thread, instead of split here
    /// alongside it.</param>
    public FileTailer(string name, SourcePath path, TailHubOptions options, ChannelWriter<SourceRecord[]> output, TimeProvider time, ILogger logger, LineRedactor? redactor = null, Func<bool>? linesWatched = null)
    {
        _linesWatched = linesWatched ?? (() => false);
        _redactor = redactor ?? LineRedactor.None;
        _name = name;
        _path = path;
        _options = options;
        _output = output;
        _time = time;
        _logger = logger;
        _lastReadTimestamp = time.GetTimestamp();
    }

    public SourceStatus Status { get; private set; } = SourceStatus.Starting;
    public long LinesRead => Interlocked.Read(ref _linesRead);
    public long BytesRead => Interlocked.Read(ref _bytesRead);
    public long Rotations => Interlocked.Read(ref _rotations);
    public long Truncations => Interlocked.Read(ref _truncations);

    /// <summary>When a line was last read (<see cref="TimeProvider.GetTimestamp"/>; until then, when the tailer was made).</summary>
    public long LastReadTimestamp => Interlocked.Read(ref _lastReadTimestamp);

    private sealed class WatchedPath(string path)
    {
        public string Path { get; } = path;
        public FileFollower? Current { get; set; }
        public List<FileFollower> Retiring { get; } = [];
        public bool SaidWaiting { get; set; }
        public bool SaidError { get; set; }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var signal = new FileChangeSignal(_time, _options.PollInterval, recursive: _path.IsGlob && _path.Glob!.Contains('/'), _logger);
        var first = true;
        try
        {
            while (true)
            {
                // A write only needs reading; searching paths and rebuilding the status wait for a structural
                // change (create, delete, rename, watcher overflow) or the poll tick.
                var structural = signal.TakeStructuralChange();
                if (structural)
                {
                    signal.Watch(DirectoriesToWatch());
                    Discover(first);
                }
                foreach (var watched in _paths.Values)
                {
                    await StepAsync(watched, cancellationToken);
                }
                if (structural || _statusChanged)
                {
                    DropFinishedPaths();
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
            foreach (var watched in _paths.Values)
            {
                watched.Current?.Dispose();
                foreach (var r in watched.Retiring) r.Dispose();
            }
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
            if (target is not null && System.IO.Path.GetDirectoryName(target) is { } dir && dir != _path.BaseDirectory) yield return dir;
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

    private void Discover(bool atStartup)
    {
        if (_path.SingleFile is { } single)
        {
            if (!_paths.ContainsKey(single)) _paths[single] = new WatchedPath(single) { SaidWaiting = false };
            if (atStartup) OpenAtStartup(_paths[single]);
            return;
        }
        foreach (var file in _path.ExistingFiles())
        {
            if (_paths.ContainsKey(file)) continue;
            var watched = new WatchedPath(file);
            _paths[file] = watched;
            if (atStartup) OpenAtStartup(watched);
            else AdoptRenamedOrOpen(watched);
        }
    }

    private void OpenAtStartup(WatchedPath watched)
    {
        try
        {
            watched.Current = FileFollower.Open(watched.Path, _options.MaxLineBytes, _options.InitialLines, _time.GetUtcNow());
            if (watched.Current is not null) Say(NoticeKind.Following, watched.Path, $"following {watched.Path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SayError(watched, e);
        }
    }

    /// <summary>A new name in a glob source may be a file already followed under another name: keep reading it, never twice.</summary>
    private void AdoptRenamedOrOpen(WatchedPath watched)
    {
        var stat = FileStat.OfPath(watched.Path);
        if (stat is { } s)
        {
            foreach (var other in _paths.Values)
            {
                var match = other.Retiring.FirstOrDefault(f => f.File.Identity == s.Identity);
                if (match is null) continue;
                other.Retiring.Remove(match);
                match.Renamed(watched.Path);
                watched.Current = match;
                return;
            }
        }
        OpenFromStart(watched);
    }

    private void OpenFromStart(WatchedPath watched)
    {
        try
        {
            watched.Current = FileFollower.Open(watched.Path, _options.MaxLineBytes, tailLines: null, _time.GetUtcNow());
            if (watched.Current is not null)
            {
                watched.SaidWaiting = false;
                watched.SaidError = false;
                Say(NoticeKind.Following, watched.Path, $"following {watched.Path}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SayError(watched, e);
        }
    }

    private async Task StepAsync(WatchedPath watched, CancellationToken cancellationToken)
    {
        try
        {
            if (watched.Current is { } current)
            {
                // Before reading: bytes read after a truncation-and-refill would be the middle of new content.
                if (current.WasReplaced()) RestartTruncated(current);
                await ReadToEndAsync(current, cancellationToken);
                var stat = FileStat.OfPath(watched.Path);
                if (stat is null)
                {
                    // Renamed away with its successor not created yet is a rotation still under way, not a deletion.
                    if (FileLocator.Find(current.File) is { } renamed)
                        Retire(watched, NoticeKind.Rotated, $"{watched.Path} was rotated to {Path.GetFileName(renamed)}; waiting for the new file");
                    else
                        Retire(watched, NoticeKind.Deleted, $"{watched.Path} was deleted; waiting for it to come back");
                }
                else if (stat.Value.Identity != current.File.Identity)
                {
                    Retire(watched, NoticeKind.Rotated, $"{watched.Path} was rotated; following the new file");
                    OpenFromStart(watched);
                }
            }
            else if (File.Exists(watched.Path))
            {
                OpenFromStart(watched);
            }
            else if (!watched.SaidWaiting && _path.SingleFile is not null)
            {
                watched.SaidWaiting = true;
                Say(NoticeKind.Waiting, watched.Path, $"waiting for {watched.Path} to exist");
            }

            // A file opened above (new, re-created, after rotation) is read now, not at the next wake-up.
            if (watched.Current is { } opened) await ReadToEndAsync(opened, cancellationToken);

            foreach (var old in watched.Retiring.ToList())
            {
                await ReadToEndAsync(old, cancellationToken);
                if (_time.GetUtcNow() - old.LastGrowth >= _options.RotatedFileGrace)
                {
                    FlushPartial(old);
                    old.Dispose();
                    watched.Retiring.Remove(old);
                }
            }
            if (watched.SaidError)
            {
                watched.SaidError = false;
                _statusChanged = true;
            }
            await FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await FlushAsync(cancellationToken);
            SayError(watched, e);
            await FlushAsync(cancellationToken);
        }
    }

    private void Retire(WatchedPath watched, NoticeKind kind, string message)
    {
        var current = watched.Current!;
        watched.Current = null;
        watched.Retiring.Add(current);
        watched.SaidWaiting = true;
        Say(kind, watched.Path, message, current.File.Identity);
    }

    private void DropFinishedPaths()
    {
        if (_path.SingleFile is not null) return;
        foreach (var watched in _paths.Values.ToList())
        {
            if (watched.Current is null && watched.Retiring.Count == 0 && !File.Exists(watched.Path)) _paths.Remove(watched.Path);
        }
    }

    private async Task ReadToEndAsync(FileFollower follower, CancellationToken cancellationToken)
    {
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
                if (follower.Offset + BulkReadBytes <= bulkUntil && !_linesWatched())
                {
                    bulkBuffer ??= ArrayPool<byte>.Shared.Rent(BulkReadBytes);
                    run = follower.ReadRun(bulkBuffer, _split, _redactor, _time.GetUtcNow().ToUnixTimeMilliseconds(), out n, out replaced);
                }
                else
                {
                    n = follower.Read(_buffer, _split, out replaced);
                }
                if (n == 0) return;
                if (replaced)
                {
                    // Truncated and refilled between the last look and this read: what was read is the new content's middle.
                    RestartTruncated(follower);
                    bulkUntil = -1;
                    continue;
                }
                follower.LastGrowth = _time.GetUtcNow();
                Interlocked.Add(ref _bytesRead, n);
                if (run is not null)
                {
                    _pending.Add(run);
                    Interlocked.Add(ref _linesRead, run.Count);
                    Interlocked.Exchange(ref _lastReadTimestamp, _time.GetTimestamp());
                }
                TakeLines(follower);
                if (bulkUntil < 0 && n == _buffer.Length) bulkUntil = follower.CurrentSize() - BulkTailBytes;
                // Hand over a full buffer's worth at a time: a long catch-up read streams instead of piling up.
                await FlushAsync(cancellationToken);
            }
        }
        finally
        {
            if (bulkBuffer is not null) ArrayPool<byte>.Shared.Return(bulkBuffer);
        }
    }

    /// <summary>The file shrank or was replaced in place: its held partial line is final, and reading restarts at 0.</summary>
    private void RestartTruncated(FileFollower follower)
    {
        FlushPartial(follower);
        follower.Restart();
        Say(NoticeKind.Truncated, follower.File.Path, $"{follower.File.Path} was truncated; reading from its start", follower.File.Identity);
    }

    private void FlushPartial(FileFollower follower)
    {
        if (follower.Splitter.FlushPartial(_split)) TakeLines(follower);
    }

    private void TakeLines(FileFollower follower)
    {
        if (_split.Count == 0) return;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var readAt = _time.GetTimestamp();
        var state = follower.Redaction;
        foreach (var line in _split)
        {
            // Masked here, once: nothing downstream (backlog, viewers, grep, the API) ever holds the original bytes.
            var before = state;
            var utf8 = _redactor.Redact(line.Utf8, ref state);
            _pending.Add(new LogLine(utf8, follower.File, line.Start, line.End, now) { RedactionBefore = before, ReadTimestamp = readAt });
        }
        follower.Redaction = state;
        Interlocked.Add(ref _linesRead, _split.Count);
        Interlocked.Exchange(ref _lastReadTimestamp, readAt);
        _split.Clear();
    }

    private void Say(NoticeKind kind, string path, string message, FileIdentity? identity = null)
    {
        _statusChanged = true;
        if (kind == NoticeKind.Rotated) Interlocked.Increment(ref _rotations);
        else if (kind == NoticeKind.Truncated) Interlocked.Increment(ref _truncations);
        _pending.Add(new SourceNotice(kind, path, message, _time.GetUtcNow().ToUnixTimeMilliseconds(), identity));
        _logger.LogInformation("Source {Source}: {Notice} {Path}: {Message}", _name, kind, path, message);
    }

    private void SayError(WatchedPath watched, Exception e)
    {
        _lastError = $"{watched.Path}: {e.Message}";
        if (watched.SaidError) return;
        watched.SaidError = true;
        _statusChanged = true;
        _pending.Add(new SourceNotice(NoticeKind.Error, watched.Path, $"cannot read {watched.Path}: {e.Message}", _time.GetUtcNow().ToUnixTimeMilliseconds()));
        _logger.LogWarning("Source {Source}: cannot read {Path}: {Error}", _name, watched.Path, e.Message);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0) return;
        var chunk = _pending.ToArray();
        _pending.Clear();
        await _output.WriteAsync(chunk, cancellationToken);
    }

    private void UpdateStatus()
    {
        _statusChanged = false;
        var files = new List<FollowedFile>();
        var anyError = false;
        foreach (var watched in _paths.Values)
        {
            if (watched.Current is { } c) files.Add(new FollowedFile(c.File.Path, c.Offset, c.File.Identity.ToString(), false));
            foreach (var r in watched.Retiring) files.Add(new FollowedFile(r.File.Path, r.Offset, r.File.Identity.ToString(), true));
            anyError |= watched.SaidError;
        }
        var state = anyError ? SourceState.Error : files.Any(f => !f.Rotated) ? SourceState.Following : SourceState.Waiting;
        var message = state switch
        {
            SourceState.Error => _lastError,
            SourceState.Waiting => $"waiting for {_path}",
            _ => null,
        };
        if (Status.State != state || Status.Message != message || !Status.Files.SequenceEqual(files)) Status = new SourceStatus(state, files, message);
    }
}
