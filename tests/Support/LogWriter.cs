using System.Text;

namespace TailHub.Tests.Support;

/// <summary>Appends numbered lines to a file the way a service does: one open handle, flushed after every write.</summary>
public sealed class LogWriter : IDisposable
{
    private FileStream _stream;

    public LogWriter(string path, bool append = true)
    {
        Path = path;
        _stream = Open(path, append);
    }

    public string Path { get; }

    private static FileStream Open(string path, bool append) =>
        new(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    public void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        _stream.Write(bytes);
        _stream.Flush();
    }

    public void WriteLine(string line) => Write(line + "\n");

    /// <summary>Closes the handle and opens the path again (after a rotation, as a service does on SIGHUP).</summary>
    public void Reopen(bool append = true)
    {
        _stream.Dispose();
        _stream = Open(Path, append);
    }

    public void Dispose() => _stream.Dispose();
}
