using Microsoft.Extensions.Logging;

namespace TailHub.Sources;

/// <summary><c>"Type": "file"</c> (the default): files named by a path or a glob, tailed through rotation.</summary>
public sealed class FileSourceKind : SourceKind<FileSourceOptions>
{
    public override string Type => "file";

    protected override IEnumerable<string> Validate(FileSourceOptions options, SourceKindContext context)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            yield return "Path is required.";
            yield break;
        }
        var pattern = SourcePath.Parse(options.Path, context.ContentRoot);
        if (pattern.Error is { } error) yield return error;
        else if (Directory.Exists(pattern.BaseDirectory) && !CanList(pattern.BaseDirectory))
            yield return $"directory '{pattern.BaseDirectory}' exists but cannot be read by this user.";
    }

    protected override ISource Create(FileSourceOptions options, SourceKindContext context) =>
        new FileSource(options, SourcePath.Parse(options.Path, context.ContentRoot), context.Options, context.Time, context.Loggers.CreateLogger<FileTailer>());

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
