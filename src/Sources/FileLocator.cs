using Microsoft.Win32.SafeHandles;
using TailHub.Pipeline;

namespace TailHub.Sources;

/// <summary>
/// Finds a file again after rotation: by identity where it was, under another name in its directory
/// (<c>app.log</c> → <c>app.log.1</c>), or where the source's <c>RotatedFiles</c> says rotated files go (logrotate's
/// <c>olddir</c>); and, where its identity is gone (compressed, or copied by copytruncate), by the fingerprint of its
/// first bytes, in a copy or a gzip file whose decompressed start matches.
/// </summary>
public sealed class FileLocator(SourcePath? rotatedFiles = null)
{
    /// <summary>Where the source's rotated files go, when configured.</summary>
    public SourcePath? RotatedFiles { get; } = rotatedFiles;

    /// <summary>The file's current path, by identity; null if it has no name in any of those places.</summary>
    public string? Find(FileRef file)
    {
        if (FileStat.OfPath(file.Path)?.Identity == file.Identity) return file.Path;
        foreach (var candidate in Candidates(file))
        {
            if (FileStat.OfPath(candidate)?.Identity == file.Identity) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Opens the file to read its lines back. By identity, unless its content was <paramref name="replaced"/> since
    /// (truncated); otherwise, or when it is gone, a file whose first bytes match its fingerprint: a copy, or a gzip
    /// file read decompressed. Null when there is none.
    /// </summary>
    public ReadBackFile? OpenForReadBack(FileRef file, bool replaced)
    {
        if (!replaced && OpenByIdentity(file) is { } same) return same;
        return file.Head.Length == 0 ? null : OpenByHead(file);
    }

    /// <summary>Opens one of TailHub's own spools to read its lines back: where it was written, if it is still that file.</summary>
    public ReadBackFile? OpenSpool(FileRef file)
    {
        try
        {
            var handle = FileOpeners.ReadShared(file.Path);
            if (FileStat.OfHandle(handle, file.Path)?.Identity == file.Identity) return new PlainReadBack(handle);
            handle.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        // Retention compresses a finished spool beside itself (History.Retention): the same bytes, decompressed.
        if (!File.Exists(file.Path) && File.Exists(file.Path + ".gz")) return new GzipReadBack(file.Path + ".gz");
        return null;
    }

    private ReadBackFile? OpenByIdentity(FileRef file)
    {
        var path = Find(file);
        if (path is null) return null;
        try
        {
            var handle = FileOpeners.ReadShared(path);
            // The identity could have changed between locating and opening the file.
            if (FileStat.OfHandle(handle, path)?.Identity == file.Identity) return new PlainReadBack(handle);
            handle.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    private ReadBackFile? OpenByHead(FileRef file)
    {
        var head = new byte[FileHead.MaxBytes];
        foreach (var candidate in Candidates(file).Prepend(file.Path))
        {
            SafeFileHandle? handle = null;
            try
            {
                handle = FileOpeners.ReadShared(candidate);
                // The file itself, its content replaced, is exactly what is not wanted.
                if (FileStat.OfHandle(handle, candidate) is not { } stat || stat.Identity == file.Identity) continue;
                var n = RandomAccess.Read(handle, head, 0);
                if (CompressedFile.IsGzip(head.AsSpan(0, n)))
                {
                    if (file.Head.Matches(GzipReadBack.ReadHead(candidate, head))) return new GzipReadBack(candidate);
                }
                else if (CompressedFile.Sniff(head.AsSpan(0, n)) == ContentKind.Text && file.Head.Matches(head.AsSpan(0, n)))
                {
                    var found = new PlainReadBack(handle);
                    handle = null;
                    return found;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { }
            finally
            {
                handle?.Dispose();
            }
        }
        return null;
    }

    /// <summary>Other files where this one may be now: its directory's files, then <see cref="RotatedFiles"/>' matches.</summary>
    private IEnumerable<string> Candidates(FileRef file)
    {
        var directory = Path.GetDirectoryName(file.Path);
        IEnumerable<string> nearby = [];
        if (directory is not null)
        {
            try
            {
                nearby = Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        var rotated = RotatedFiles?.ExistingFiles() ?? [];
        return nearby.Where(p => p != file.Path).Concat(rotated.Where(p => p != file.Path && Path.GetDirectoryName(p) != directory));
    }
}
