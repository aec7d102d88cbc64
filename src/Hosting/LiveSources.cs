using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.State;
using TailHub.Pipeline.Structure;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>
/// Makes every configured source through its kind, gives each its stages (writer, hub with its restored state,
/// broadcaster), and runs them for the lifetime of the application.
/// </summary>
public sealed class LiveSources : BackgroundService
{
    private readonly Dictionary<string, LiveSource> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ISourceTap> _taps;

    public LiveSources(IOptions<TailHubOptions> options, IConfiguration configuration, SourceKinds kinds, IHostEnvironment environment,
        TimeProvider time, ILoggerFactory loggers, LineRedactor redactor, IEnumerable<ISourceTap> taps)
    {
        var o = options.Value;
        _taps = taps.ToList();
        _logger = loggers.CreateLogger<LiveSources>();
        var classifier = o.ClassifyLines ? LineClassifier.Default : LineClassifier.Off;
        var context = new SourceKindContext(o, environment.ContentRootPath, Path.GetFullPath(o.DataDirectory, environment.ContentRootPath), redactor, time, loggers);
        foreach (var section in configuration.GetSection(TailHubOptions.Section).GetSection("Sources").GetChildren())
        {
            var kind = kinds.Find(section["Type"]) ?? throw new StartupException($"source '{section["Name"]}': Type '{section["Type"]}' is not supported.");
            var source = kind.Create(section, context);
            var state = OpenState(context.SourceDirectory(source.Name), source.Name, kind.Type, o.JournalSegments, time);
            var journal = new SourceJournal(o.JournalSegments, o.MaxLineBytes, redactor, state.Append, classifier);
            journal.Restore(state.Entries, state.LastSeq, state.Positions);
            var hub = new SourceHub(source.Name, state.Epoch, o.BacklogLines, journal, time, state.LastSeq, checkpoint: force => Checkpoint(state, journal, source.Name, force));
            var broadcaster = new SseBroadcaster(hub, o, time);
            var writer = new SourceWriter(source.Name, hub.Input, state.LastSeq, o.MaxLineBytes, redactor, time, () => broadcaster.ViewerCount > 0, state.Positions, classifier);
            var live = new LiveSource(source, writer, hub, broadcaster, state);
            _byName[source.Name] = live;
            All.Add(live);
        }
    }

    /// <summary>In configuration order.</summary>
    public List<LiveSource> All { get; } = [];

    public LiveSource? Find(string name) => _byName.GetValueOrDefault(name);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tasks = new List<Task>();
        foreach (var source in All)
        {
            tasks.Add(Task.Run(() => source.Broadcaster.RunAsync(stoppingToken), stoppingToken));
            ISequencedRecordSink sink = source.Broadcaster;
            foreach (var tap in _taps)
            {
                if (tap.Attach(source) is { } extra) sink = new SinkPair(sink, extra);
            }
            tasks.Add(Task.Run(() => source.Hub.RunAsync(sink, stoppingToken), stoppingToken));
            tasks.Add(Task.Run(() => RunSourceAsync(source, stoppingToken), stoppingToken));
        }
        return Task.WhenAll(tasks);
    }

    private async Task RunSourceAsync(LiveSource live, CancellationToken stoppingToken)
    {
        try
        {
            await live.Source.RunAsync(live.Writer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A source that fails on its own must not take TailHub (and every other source) down with it.
            _logger.LogError(e, "Source {Source} stopped: {Error}", live.Name, e.Message);
        }
    }

    private SourceStateStore OpenState(string directory, string name, string kind, int journalEntries, TimeProvider time)
    {
        try
        {
            return SourceStateStore.Open(directory, name, kind, journalEntries, time, _logger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"source '{name}': cannot keep its state in '{directory}' ({e.Message}); check TailHub:DataDirectory.");
        }
    }

    private void Checkpoint(SourceStateStore state, SourceJournal journal, string name, bool force)
    {
        try
        {
            state.Save(journal, force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Source {Source}: could not save its state ({Error}); viewers may not resume exactly after a restart", name, e.Message);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var source in All)
        {
            source.State.Dispose();
            (source.Source as IDisposable)?.Dispose();
        }
    }
}
