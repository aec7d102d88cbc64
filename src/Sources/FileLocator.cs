using TailHub.Pipeline;
namespace TailHub.Sources;

/// <summary>Finds a file by identity after it may have been renamed within its directory (<c>app.log</c> → <c>app.log.1</c>).</summary>
public static class FileLocator
{
    /// <summary>The file's current path: where it was, or another name in the same directory; null if it is gone.</summary>
    public static string? Find(FileRef file)
    {
        if (FileStat.OfPath(file.Path)?.Identity == file.Identity) return file.Path;
        var directory = Path.GetDirectoryName(file.Path);
        if (directory is null || !Directory.Exists(directory)) return null;
        try
        {
            foreach (var candidate in Directory.EnumerateFiles(directory))
            {
                if (FileStat.OfPath(candidate)?.Identity == file.Identity) return candidate;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
