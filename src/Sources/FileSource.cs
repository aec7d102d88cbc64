using TailHub.Configuration;
using TailHub.Pipeline;

namespace TailHub.Sources;

/// <summary>A <c>file</c> source: every file its path or glob names, followed by a <see cref="FileTailer"/>.</summary>
public sealed class FileSource(FileSourceOptions options, SourcePath path, FileLocator locator, TailHubOptions settings, TimeProvider time, ILogger<FileTailer> logger) : ISource, IFindsRotatedFiles
{
    public FileLocator Locator => locator;

    public string Name { get; } = options.Name;
    public string Kind => "file";
    public string Target { get; } = path.ToString();
    public SourceCounters Counters { get; } = new(time);
    public SourceStatus Status => _tailer?.Status ?? SourceStatus.Starting;

    private FileTailer? _tailer;

    public async Task RunAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        _tailer = new FileTailer(Name, path, settings, writer, time, logger, locator, counters: Counters);
        await _tailer.RunAsync(cancellationToken);
    }
}
