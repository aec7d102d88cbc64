using System.Globalization;

namespace TailHub.History.Retention;

/// <summary>
/// A source's <c>Retention</c>: how much of what TailHub writes itself for it (a push source's spool segments, a
/// Jenkins source's build consoles, a command or ssh source's run outputs) is kept. Files TailHub only tails are never
/// touched. Unset limits do not apply; a source without <c>Retention</c> keeps everything.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>A file not written for longer than this is deleted.</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>The oldest files are deleted while the source's files take more than this many bytes together.</summary>
    public long? MaxBytes { get; set; }

    /// <summary>Only this many newest files (runs, builds, spool segments) are kept.</summary>
    public int? MaxRuns { get; set; }

    /// <summary>Files that are finished are gzip-compressed (and still read back, decompressed) until they are deleted.</summary>
    public bool Compress { get; set; }

    public bool Limits => MaxAge is not null || MaxBytes is not null || MaxRuns is not null || Compress;

    /// <summary>The kinds whose sources have files of their own.</summary>
    public static readonly IReadOnlySet<string> KindsWithOwnFiles = new HashSet<string>(["push", "jenkins", "command", "ssh"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The source's <c>Retention</c> section bound, or null when it has none; <paramref name="errors"/> says what is wrong with it.</summary>
    public static RetentionOptions? From(IConfigurationSection source, List<string> errors)
    {
        var section = source.GetSection("Retention");
        if (!section.Exists()) return null;
        var kind = source["Type"] ?? "file";
        if (!KindsWithOwnFiles.Contains(kind))
        {
            errors.Add($"Retention applies to the files TailHub writes itself (push, jenkins, command and ssh sources); a {kind} source's files are only read, and TailHub never deletes them.");
            return null;
        }
        var options = new RetentionOptions();
        var known = new HashSet<string>(["MaxAge", "MaxBytes", "MaxRuns", "Compress"], StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key)) errors.Add($"Retention:{child.Key} is not a setting (MaxAge, MaxBytes, MaxRuns, Compress).");
        }
        if (section["MaxAge"] is { } age)
        {
            if (TimeSpan.TryParse(age, CultureInfo.InvariantCulture, out var maxAge) && maxAge > TimeSpan.Zero) options.MaxAge = maxAge;
            else errors.Add($"Retention:MaxAge '{age}' must be a positive time span, e.g. 7.00:00:00 for a week.");
        }
        if (section["MaxBytes"] is { } bytes)
        {
            if (long.TryParse(bytes, NumberStyles.None, CultureInfo.InvariantCulture, out var maxBytes) && maxBytes > 0) options.MaxBytes = maxBytes;
            else errors.Add($"Retention:MaxBytes '{bytes}' must be a whole number of bytes, 1 or more.");
        }
        if (section["MaxRuns"] is { } runs)
        {
            if (int.TryParse(runs, NumberStyles.None, CultureInfo.InvariantCulture, out var maxRuns) && maxRuns > 0) options.MaxRuns = maxRuns;
            else errors.Add($"Retention:MaxRuns '{runs}' must be a whole number, 1 or more.");
        }
        if (section["Compress"] is { } compress)
        {
            if (bool.TryParse(compress, out var c)) options.Compress = c;
            else errors.Add($"Retention:Compress '{compress}' must be true or false.");
        }
        return options;
    }
}
