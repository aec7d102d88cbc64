namespace TailHub.Reference;

/// <summary>
/// Reads one file from its start as it grows (woken by inotify through <see cref="FileSystemWatcher"/>, as TailHub's
/// tailer is, with a short poll as a safety net) and keeps its complete lines until the batcher takes them.
/// </summary>
public sealed class FileFollower(string path)
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private List<byte[]> _lines = [];
    private List<byte[]> _spare = [];
    private long _linesRead;

    // Held for the process's life: a watcher nothing refers to is collected, and its events stop with it.
    private FileSystemWatcher? _watcher;

    public long LinesRead => Interlocked.Read(ref _linesRead);

    public void Start()
    {
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => Wake();
        _watcher.EnableRaisingEvents = true;
        new Thread(ReadLoop) { IsBackground = true, Name = "follower" }.Start();
    }

    /// <summary>The lines read since the last call (the returned list is the caller's until its next call).</summary>
    public List<byte[]> Take()
    {
        lock (_lock)
        {
            (_lines, _spare) = (_spare, _lines);
            _lines.Clear();
            return _spare;
        }
    }

    private void Wake()
    {
        try { _changed.Release(); }
        catch (SemaphoreFullException) { }
    }

    private void ReadLoop()
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var buffer = new byte[256 * 1024];
        var carry = 0;
        while (true)
        {
            var read = file.Read(buffer, carry, buffer.Length - carry);
            if (read == 0)
            {
                _changed.Wait(TimeSpan.FromMilliseconds(250));
                continue;
            }
            var data = buffer.AsSpan(0, carry + read);
            var start = 0;
            lock (_lock)
            {
                int newline;
                while ((newline = data[start..].IndexOf((byte)'\n')) >= 0)
                {
                    _lines.Add(data.Slice(start, newline).ToArray());
                    start += newline + 1;
                    _linesRead++;
                }
            }
            carry = data.Length - start;
            data[start..].CopyTo(buffer);
            // A line longer than the buffer is cut, which the load tester's lines never are.
            if (carry == buffer.Length) carry = 0;
        }
    }
}
