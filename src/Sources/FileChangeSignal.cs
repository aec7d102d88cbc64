using System.Threading.Channels;

namespace TailHub.Sources;

/// <summary>
/// Wakes a tailer when its files may have changed: FileSystemWatcher events for speed, plus a periodic tick because
/// inotify can overflow, and is silent on many network mounts and for writes through a symlink's target.
/// Many events between two wake-ups collapse into one.
/// </summary>
public sealed class FileChangeSignal : IDisposable
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly ITimer _timer;
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly bool _recursive;
    private int _structural = 1;

    public FileChangeSignal(TimeProvider time, TimeSpan pollInterval, bool recursive, ILogger logger)
    {
        _logger = logger;
        _recursive = recursive;
        _timer = time.CreateTimer(_ => WakeForStructure(), null, pollInterval, pollInterval);
    }

    /// <summary>Something was written: the files followed need reading.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Files may have appeared, vanished or been renamed (or it is time to look anyway).</summary>
    public void WakeForStructure()
    {
        Volatile.Write(ref _structural, 1);
        Wake();
    }

    /// <summary>Whether a structural change was signalled since the last call: only then are paths searched again.</summary>
    public bool TakeStructuralChange() => Interlocked.Exchange(ref _structural, 0) == 1;

    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _wake.Reader.ReadAsync(cancellationToken);

    /// <summary>Makes sure each existing directory in <paramref name="directories"/> is watched; missing ones are polled until they appear.</summary>
    public void Watch(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            if (_watchers.TryGetValue(directory, out var existing))
            {
                if (Directory.Exists(directory)) continue;
                existing.Dispose();
                _watchers.Remove(directory);
                continue;
            }
            if (!Directory.Exists(directory)) continue;
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = _recursive,
                    InternalBufferSize = 64 * 1024,
                };
                watcher.Changed += (_, _) => Wake();
                watcher.Created += (_, _) => WakeForStructure();
                watcher.Deleted += (_, _) => WakeForStructure();
                watcher.Renamed += (_, _) => WakeForStructure();
                watcher.Error += (_, e) =>
                {
                    _logger.LogDebug(e.GetException(), "File watcher on {Directory} lost events; polling covers them", directory);
                    WakeForStructure();
                };
                watcher.EnableRaisingEvents = true;
                _watchers[directory] = watcher;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Out of inotify watches, or the directory vanished: polling still covers it.
                _logger.LogDebug(e, "Cannot watch {Directory}; relying on polling", directory);
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var watcher in _watchers.Values) watcher.Dispose();
        _watchers.Clear();
    }
}
