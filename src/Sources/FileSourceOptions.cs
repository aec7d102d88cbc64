using TailHub.Configuration;

namespace TailHub.Sources;

/// <summary>A <c>file</c> source: files named by a path or a glob.</summary>
public sealed class FileSourceOptions : SourceOptions
{
    /// <summary>A file or a glob (<c>*</c>, <c>?</c>, <c>[...]</c>, <c>**</c>) over file names; relative paths are from the content root.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// Where the source's rotated files go when they leave the directory (logrotate's <c>olddir</c>): a glob such as
    /// <c>/var/log/app/old/app.log-*</c>. A file rotated there is said to be rotated, not deleted, and its lines are
    /// read back from there on resume, or from its gzip file once compressed.
    /// </summary>
    public string? RotatedFiles { get; set; }
}
