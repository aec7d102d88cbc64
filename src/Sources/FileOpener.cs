using Microsoft.Win32.SafeHandles;

namespace TailHub.Sources;

/// <summary>Opens a file for reading. The tailer takes one so a test can make a file unreadable even as root.</summary>
public delegate SafeFileHandle FileOpener(string path);

public static class FileOpeners
{
    /// <summary>Read-only, sharing everything: a writer may keep writing, and logrotate may rename or delete the file.</summary>
    public static readonly FileOpener ReadShared =
        path => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
}
