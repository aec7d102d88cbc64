using TailHub.Configuration;

namespace TailHub.Sources;

/// <summary>A <c>file</c> source: files named by a path or a glob.</summary>
public sealed class FileSourceOptions : SourceOptions
{
    /// <summary>A file or a glob (<c>*</c>, <c>?</c>, <c>**</c>) over file names; relative paths are from the content root.</summary>
    public string Path { get; set; } = "";
}
