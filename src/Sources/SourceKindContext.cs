using TailHub.Configuration;
using TailHub.Pipeline.Redaction;

namespace TailHub.Sources;

/// <summary>What every kind may use to validate and make its sources.</summary>
public sealed record SourceKindContext(
    TailHubOptions Options,
    string ContentRoot,
    string DataDirectory,
    LineRedactor Redactor,
    TimeProvider Time,
    ILoggerFactory Loggers)
{
    /// <summary>Where a source keeps what TailHub writes for it (its state, its spool, its runs).</summary>
    public string SourceDirectory(string name) => Path.Combine(DataDirectory, "sources", name);
}
