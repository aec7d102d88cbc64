namespace TailHub.Reference;

/// <summary>
/// Reads one file from its start as it grows (woken by inotify through <see cref="FileSystemWatcher"/>, as TailHub's
/// tailer is, with a short poll as a safety net) into the collector. A file that is not there yet is waited for, so a
/// file moved into place is read from its first byte (the catch-up scenario).
/// </summary>
public sealed class FileFollower(string path, LineCollector lines)
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    // Held for the process's life: a watcher nothing refers to is collected, and its events stop with it.
    private FileSystemWatcher? _watcher;

    public void Start()
    {
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
        };
        _watcher.Changed += (_, _) => Wake();
        _watcher.Created += (_, _) => Wake();
        _watcher.Renamed += (_, _) => Wake();
        _watcher.EnableRaisingEvents = true;
        new Thread(ReadLoop) { IsBackground = true, Name = "follower" }.Start();
    }

    private void Wake()
    {
        try { _changed.Release(); }
        catch (SemaphoreFullException) { }
    }

    private void ReadLoop()
    {
        while (!File.Exists(path)) _changed.Wait(TimeSpan.FromMilliseconds(50));
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
            lines.WaitForRoomAsync().Wait();
            carry = StreamLines.Split(buffer, carry + read, lines);
        }
    }
}
