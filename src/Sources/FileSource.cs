using System.Threading.Channels;
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
        var chunks = Channel.CreateBounded<SourceRecord[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        _tailer = new FileTailer(Name, path, settings, chunks.Writer, time, logger, writer.Redactor, () => writer.IsWatched, locator, counters: Counters);
        var tailing = Task.Run(() => _tailer.RunAsync(cancellationToken), cancellationToken);
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                foreach (var record in chunk) writer.Add(record);
                await writer.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await tailing;
    }
}
