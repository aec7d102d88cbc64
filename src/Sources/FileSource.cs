using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Pipeline;

namespace TailHub.Sources;

/// <summary>A <c>file</c> source: every file its path or glob names, followed by a <see cref="FileTailer"/>.</summary>
public sealed class FileSource(FileSourceOptions options, SourcePath path, TailHubOptions settings, TimeProvider time, ILogger<FileTailer> logger) : ISource
{
    public string Name { get; } = options.Name;
    public string Kind => "file";
    public string Target { get; } = path.ToString();
    public SourceCounters Counters { get; } = new(time);
    public SourceStatus Status => _tailer?.Status ?? SourceStatus.Starting;

    private FileTailer? _tailer;

    public async Task RunAsync(SourceWriter writer, CancellationToken cancellationToken)
    {
        var chunks = Channel.CreateBounded<SourceRecord[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        _tailer = new FileTailer(Name, path, settings, chunks.Writer, time, logger, writer.Redactor, () => writer.IsWatched, Counters);
        var tailing = Task.Run(() => _tailer.RunAsync(cancellationToken), cancellationToken);
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                foreach (var record in chunk)
                {
                    // The tailer splits and masks its lines itself (it counts in bulk, see LineRun); they are
                    // classified here as a framer classifies its own.
                    if (record is LogLine line) writer.Classifier.Apply(line);
                    writer.Add(record);
                }
                await writer.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await tailing;
    }
}
