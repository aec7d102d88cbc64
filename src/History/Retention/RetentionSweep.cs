using System.IO.Compression;

namespace TailHub.History.Retention;

/// <summary>What one sweep did to a source's own files.</summary>
public sealed record SweepResult(IReadOnlyList<string> Compressed, IReadOnlyList<string> Deleted, IReadOnlyList<string> KeptInUse);

/// <summary>
/// Applies a source's <see cref="RetentionOptions"/> to one folder of its own files: the newest file (being written,
/// or the next to be) and every file <paramref name="inUse"/> says is being written or read are left alone; of the
/// rest, those over <c>MaxRuns</c>, older than <c>MaxAge</c>, or beyond <c>MaxBytes</c> (oldest first) are deleted,
/// and with <c>Compress</c> the others are gzip-compressed. Lines of a deleted file read back as an <c>expired</c> gap.
/// </summary>
public static class RetentionSweep
{
    public static SweepResult Apply(string folder, RetentionOptions options, DateTimeOffset now, Func<OwnFile, bool> inUse)
    {
        var files = OwnFile.In(folder);
        var compressed = new List<string>();
        var deleted = new List<string>();
        var kept = new List<string>();
        if (files.Count == 0) return new SweepResult(compressed, deleted, kept);
        var total = files.Sum(f => f.Bytes);
        for (var i = 0; i < files.Count - 1; i++)
        {
            var file = files[i];
            var newer = files.Count - 1 - i;
            var expire = (options.MaxRuns is { } maxRuns && newer >= maxRuns)
                || (options.MaxAge is { } maxAge && now - file.LastWrite > maxAge)
                || (options.MaxBytes is { } maxBytes && total > maxBytes);
            if (!expire && !(options.Compress && !file.Compressed)) continue;
            if (inUse(file))
            {
                kept.Add(file.WrittenPath);
                continue;
            }
            if (expire)
            {
                if (TryDelete(file.Path))
                {
                    deleted.Add(file.WrittenPath);
                    total -= file.Bytes;
                }
            }
            else if (TryCompress(file.Path) is { } bytes)
            {
                compressed.Add(file.WrittenPath);
                total += bytes - file.Bytes;
            }
        }
        return new SweepResult(compressed, deleted, kept);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Writes <c>{path}.gz</c> beside the file, then removes the file; returns the compressed size.</summary>
    private static long? TryCompress(string path)
    {
        var gz = path + ".gz";
        var temp = gz + ".tmp";
        try
        {
            using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            {
                input.CopyTo(gzip);
            }
            // The compressed copy is whole before it takes its name, and only then does the plain file go.
            File.Move(temp, gz, overwrite: true);
            File.Delete(path);
            return new FileInfo(gz).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            try { File.Delete(temp); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            return null;
        }
    }
}
