namespace TailHub.Sources;

/// <summary><c>"Type": "file"</c> (the default): files named by a path or a glob, tailed through rotation.</summary>
public sealed class FileSourceKind : SourceKind<FileSourceOptions>
{
    public override string Type => "file";

    protected override IEnumerable<string> Validate(FileSourceOptions options, SourceKindContext context)
    {
        foreach (var error in PathErrors(options.Path, "Path", context)) yield return error;
        if (!string.IsNullOrWhiteSpace(options.Path) && SourcePath.Parse(options.Path, context.ContentRoot).SingleFile is { } single && CompressedFile.HasCompressedName(single))
            yield return $"Path '{options.Path}' names a compressed file; TailHub tails text files (compressed rotated files are read back through RotatedFiles).";
        if (options.RotatedFiles is not null)
            foreach (var error in PathErrors(options.RotatedFiles, "RotatedFiles", context)) yield return error;
    }

    protected override ISource Create(FileSourceOptions options, SourceKindContext context)
    {
        // Where rotated files are looked for: their directory, and RotatedFiles (logrotate's olddir) when configured.
        var locator = new FileLocator(options.RotatedFiles is { } rotated ? SourcePath.Parse(rotated, context.ContentRoot) : null);
        return new FileSource(options, SourcePath.Parse(options.Path, context.ContentRoot), locator, context.Options, context.Time, context.Loggers.CreateLogger<FileTailer>());
    }

    /// <summary>What is wrong with a configured path or glob (<paramref name="setting"/> names it in the message).</summary>
    private static IEnumerable<string> PathErrors(string value, string setting, SourceKindContext context)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield return $"{setting} is required.";
            yield break;
        }
        var pattern = SourcePath.Parse(value, context.ContentRoot);
        if (pattern.Error is { } error) yield return $"{setting} {error}";
        else if (Directory.Exists(pattern.BaseDirectory) && !CanList(pattern.BaseDirectory))
            yield return $"{setting}: directory '{pattern.BaseDirectory}' exists but cannot be read by this user.";
    }

    private static bool CanList(string directory)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            entries.MoveNext();
            return true;
        }
        catch (UnauthorizedAccessException) { return false; }
        catch (IOException) { return false; }
    }
}
