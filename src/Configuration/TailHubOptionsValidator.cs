using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TailHub.Sources;
using TailHub.Sources.Jenkins;

namespace TailHub.Configuration;

/// <summary>Checks what data annotations cannot: names, duplicates and that each source's directory can be read.</summary>
public sealed partial class TailHubOptionsValidator(IHostEnvironment environment) : IValidateOptions<TailHubOptions>
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex SourceName();

    public ValidateOptionsResult Validate(string? name, TailHubOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var label = string.IsNullOrEmpty(source.Name) ? $"Sources[{i}]" : $"source '{source.Name}'";
            if (!SourceName().IsMatch(source.Name))
                errors.Add($"{label}: Name must be 1-64 characters of letters, digits, '-' or '_', starting with a letter or digit (it becomes the SSE event name).");
            else if (ReservedEventNames.Contains(source.Name))
                errors.Add($"{label}: Name '{source.Name}' is reserved for TailHub's own events ({string.Join(", ", ReservedEventNames)}).");
            else if (!seen.Add(source.Name))
                errors.Add($"{label}: the name is used by another source; names must be unique (ignoring case).");

            var isFile = string.Equals(source.Type, "file", StringComparison.OrdinalIgnoreCase);
            if (source.RotatedFiles is not null)
            {
                if (!isFile) errors.Add($"{label}: RotatedFiles is for file sources only.");
                else errors.AddRange(PathErrors(source.RotatedFiles, "RotatedFiles").Select(e => $"{label}: {e}"));
            }

            if (string.Equals(source.Type, "jenkins", StringComparison.OrdinalIgnoreCase))
                errors.AddRange(JenkinsSourceValidation.Errors(source).Select(e => $"{label}: {e}"));
            else if (!isFile)
                errors.Add($"{label}: Type '{source.Type}' is not supported (supported: file, jenkins).");
            else
            {
                errors.AddRange(PathErrors(source.Path, "Path").Select(e => $"{label}: {e}"));
                if (!string.IsNullOrWhiteSpace(source.Path) && SourcePath.Parse(source.Path, environment.ContentRootPath).SingleFile is { } single && CompressedFile.HasCompressedName(single))
                    errors.Add($"{label}: Path '{source.Path}' names a compressed file; TailHub tails text files (compressed rotated files are read back through RotatedFiles).");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What is wrong with a configured path or glob (<paramref name="setting"/> names it in the message).</summary>
    private IEnumerable<string> PathErrors(string value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            yield return $"{setting} is required.";
            yield break;
        }
        var pattern = SourcePath.Parse(value, environment.ContentRootPath);
        if (pattern.Error is { } error) yield return $"{setting} {error}";
        else if (Directory.Exists(pattern.BaseDirectory) && !CanList(pattern.BaseDirectory))
            yield return $"{setting}: directory '{pattern.BaseDirectory}' exists but cannot be read by this user.";
    }

    /// <summary>Event names TailHub itself sends, which a source name must not shadow.</summary>
    public static readonly IReadOnlySet<string> ReservedEventNames =
        new HashSet<string>(["message", "gap", "rotated", "truncated", "status", "error"], StringComparer.OrdinalIgnoreCase);

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
