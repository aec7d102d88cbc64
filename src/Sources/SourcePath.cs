using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;

namespace TailHub.Sources;

/// <summary>
/// A configured path (a source's <c>Path</c>, its <c>RotatedFiles</c>) split into the directory to watch and a glob over
/// what lies below it. Wildcards may appear anywhere after the last plain directory: <c>*</c> and <c>?</c> within a
/// name, <c>[abc]</c> / <c>[a-z]</c> / <c>[!a]</c> for one character, and <c>**</c> as a whole segment crossing directories.
/// </summary>
public sealed record SourcePath(string BaseDirectory, string? Glob, string? SingleFile, string? Error)
{
    public bool IsGlob => Glob is not null;

    // The glob as a regular expression over a path relative to BaseDirectory ('/'-separated).
    private Regex? Pattern { get; init; }

    public static SourcePath Parse(string path, string contentRoot)
    {
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path, contentRoot);
        }
        catch (ArgumentException e)
        {
            return Invalid($"'{path}' is not a valid path: {e.Message}");
        }
        var wildcard = full.IndexOfAny(['*', '?', '[']);
        if (wildcard < 0)
        {
            var dir = System.IO.Path.GetDirectoryName(full);
            if (string.IsNullOrEmpty(dir) || full.EndsWith(System.IO.Path.DirectorySeparatorChar))
                return Invalid($"'{path}' names a directory, not a file or a glob.");
            return new SourcePath(dir, null, full, null);
        }
        var baseEnd = full.LastIndexOf(System.IO.Path.DirectorySeparatorChar, wildcard);
        var baseDir = baseEnd <= 0 ? "/" : full[..baseEnd];
        var glob = full[(baseEnd + 1)..];
        if (glob.Length == 0 || glob.EndsWith(System.IO.Path.DirectorySeparatorChar))
            return Invalid($"'{path}' must end in a file name or a file-name pattern.");
        if (GlobError(glob) is { } error) return Invalid($"'{path}': {error}");
        return new SourcePath(baseDir, glob, null, null) { Pattern = new Regex(ToRegex(glob), RegexOptions.CultureInvariant) };
    }

    private static SourcePath Invalid(string error) => new("", null, null, error);

    /// <summary>What TailHub cannot match in a glob, or null.</summary>
    /// <remarks>Errors name the path but not the setting it came from; the caller adds that.</remarks>
    private static string? GlobError(string glob)
    {
        var segments = glob.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Contains("**") && segment != "**") return "'**' must be a whole path segment ('a/**/b.log').";
            if (segment.IndexOfAny(['{', '}']) >= 0) return "braces ({a,b}) are not supported; use one source per alternative, or '*'.";
        }
        if (segments[^1] == "**") return "'**' must be followed by a file-name pattern ('**/*.log').";
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == ']') return "']' without an opening '['.";
            if (glob[i] != '[') continue;
            var close = ClassEnd(glob, i);
            if (close < 0) return "'[' without a closing ']'.";
            if (glob.AsSpan(i, close - i).Contains('/')) return "a character class ('[...]') cannot contain '/'.";
            i = close;
        }
        return null;
    }

    /// <summary>Index of the ']' closing the class opened at <paramref name="open"/> (a ']' right after '[' or '[!' is a member), or -1.</summary>
    private static int ClassEnd(string glob, int open)
    {
        var i = open + 1;
        if (i < glob.Length && glob[i] == '!') i++;
        if (i < glob.Length && glob[i] == ']') i++;
        var close = glob.IndexOf(']', i);
        return close < 0 || close == open + 1 ? -1 : close;
    }

    private static string ToRegex(string glob)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "**/" : any number of directories, none included.
                regex.Append("(?:[^/]+/)*");
                i += 2;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else if (c == '[')
            {
                var close = ClassEnd(glob, i);
                var members = glob[(i + 1)..close];
                regex.Append('[');
                if (members.StartsWith('!'))
                {
                    regex.Append('^');
                    members = members[1..];
                }
                regex.Append(members.Replace(@"\", @"\\").Replace("[", @"\[").Replace("]", @"\]").Replace("^", @"\^")).Append(']');
                i = close;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return regex.Append('$').ToString();
    }

    /// <summary>The glob with '?' and classes made '*': a superset the directory walk understands.</summary>
    private static string Widened(string glob)
    {
        var widened = new StringBuilder(glob.Length);
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '[') i = ClassEnd(glob, i);
            widened.Append(glob[i] is '?' or ']' ? '*' : glob[i]);
        }
        return widened.ToString();
    }

    /// <summary>The files that exist now, in a stable order.</summary>
    public IReadOnlyList<string> ExistingFiles()
    {
        if (SingleFile is not null) return File.Exists(SingleFile) ? [SingleFile] : [];
        if (!Directory.Exists(BaseDirectory)) return [];
        // The directory walk knows '*' and '**'; every other wildcard widens to '*' there and is checked here.
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(Widened(Glob!));
        try
        {
            var files = matcher.GetResultsInFullPath(BaseDirectory).Where(Matches).ToList();
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    public bool Matches(string fullPath)
    {
        if (SingleFile is not null) return string.Equals(fullPath, SingleFile, StringComparison.Ordinal);
        var relative = System.IO.Path.GetRelativePath(BaseDirectory, fullPath);
        return !relative.StartsWith("..", StringComparison.Ordinal) && Pattern!.IsMatch(relative.Replace(System.IO.Path.DirectorySeparatorChar, '/'));
    }

    public override string ToString() => SingleFile ?? System.IO.Path.Combine(BaseDirectory, Glob!);
}
