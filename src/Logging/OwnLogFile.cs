using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Logging;

/// <summary>
/// Where TailHub writes its own log (<c>TailHub:LogFile</c>, relative to the content root), if anywhere: the page
/// tells a user looking only at it how to point TailHub at their own logs.
/// </summary>
public sealed class OwnLogFile(IOptions<TailHubOptions> options, IHostEnvironment environment)
{
    /// <summary>The full path, or null when TailHub writes no log file.</summary>
    public string? Path { get; } = string.IsNullOrWhiteSpace(options.Value.LogFile)
        ? null
        : System.IO.Path.GetFullPath(options.Value.LogFile, environment.ContentRootPath);

    public bool Is(string path) => Path is not null && string.Equals(System.IO.Path.GetFullPath(path), Path, StringComparison.Ordinal);
}
