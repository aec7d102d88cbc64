using Microsoft.Extensions.FileSystemGlobbing;

namespace TailHub.Sources;

/// <summary>
/// A source's <c>Path</c> split into the directory to watch and a glob over what lies below it.
/// Wildcards may appear anywhere after the last plain directory; <c>**</c> crosses directories.
/// </summary>
public sealed record SourcePath(string BaseDirectory, string? Glob, string? SingleFile, string? Error)
{
    public bool IsGlob => Glob is not null;

    public static SourcePath Parse(string path, string contentRoot)
    {
        var full = System.IO.Path.GetFullPath(path, contentRoot);
        var wildcard = full.IndexOfAny(['*', '?', '[']);
        if (wildcard < 0)
        {
            var dir = System.IO.Path.GetDirectoryName(full);
            if (string.IsNullOrEmpty(dir) || full.EndsWith(System.IO.Path.DirectorySeparatorChar))
                return new SourcePath("", null, null, $"Path '{path}' names a directory, not a file or a glob.");
            return new SourcePath(dir, null, full, null);
        }
        var baseEnd = full.LastIndexOf(System.IO.Path.DirectorySeparatorChar, wildcard);
        var baseDir = baseEnd <= 0 ? "/" : full[..baseEnd];
        var glob = full[(baseEnd + 1)..];
        if (glob.Length == 0 || glob.EndsWith(System.IO.Path.DirectorySeparatorChar))
            return new SourcePath("", null, null, $"Path '{path}' must end in a file name or a file-name pattern.");
        return new SourcePath(baseDir, glob, null, null);
    }

    /// <summary>The files that exist now, in a stable order.</summary>
    public IReadOnlyList<string> ExistingFiles()
    {
        if (SingleFile is not null) return File.Exists(SingleFile) ? [SingleFile] : [];
        if (!Directory.Exists(BaseDirectory)) return [];
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(Glob!);
        try
        {
            var files = matcher.GetResultsInFullPath(BaseDirectory).ToList();
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    public bool Matches(string fullPath)
    {
        if (SingleFile is not null) return string.Equals(fullPath, SingleFile, StringComparison.Ordinal);
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(Glob!);
        return matcher.Match(BaseDirectory, fullPath).HasMatches;
    }

    public override string ToString() => SingleFile ?? System.IO.Path.Combine(BaseDirectory, Glob!);
}
