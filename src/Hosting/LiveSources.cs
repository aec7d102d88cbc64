using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Pipeline;
using TailHub.Pipeline.Redaction;
using TailHub.Pipeline.State;
using TailHub.Sources;
using TailHub.Streaming;

namespace TailHub.Hosting;

/// <summary>
/// Makes every configured source through its kind, gives each its stages (writer, hub with its restored state,
/// broadcaster), and runs them for the lifetime of the application. Sources can also be added while it runs (a
/// hub's mirrors, discovered from Redis); adding one under a name already in use replaces it, and the viewers of
/// the one replaced are disconnected so they resume against the new one.
/// </summary>
public sealed class LiveSources : BackgroundService
{
    private readonly Dictionary<string, LiveSource> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<LiveSource, Running> _running = [];
    private readonly Lock _lock = new();
    private readonly TailHubOptions _options;
    private readonly LineRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ISourceTap> _taps;
    private readonly ILogger _logger;
    private IReadOnlyList<LiveSource> _all = [];
    private CancellationToken? _stopping;

    private sealed record Running(CancellationTokenSource Stop, Task Loops);

    public LiveSources(IOptions<TailHubOptions> options, IConfiguration configuration, SourceKinds kinds, IHostEnvironment environment,
        TimeProvider time, ILoggerFactory loggers, LineRedactor redactor, IEnumerable<ISourceTap> taps, IOptions<ScaleOut.ScaleOutOptions> scaleOut)
    {
        var o = options.Value;
        _options = o;
        _redactor = redactor;
        _time = time;
        _taps = taps.ToList();
        _logger = loggers.CreateLogger<LiveSources>();
        var sections = configuration.GetSection(TailHubOptions.Section).GetSection("Sources").GetChildren().ToList();
        if (!scaleOut.Value.ReadsConfiguredSources)
        {
            // A hub serves what agents publish; what it would tail itself is not its job.
            if (sections.Count > 0) _logger.LogInformation("Role hub: the {Count} configured source(s) are not read here; sources come from the agents", sections.Count);
            sections.Clear();
        }
        var all = new List<LiveSource>();
        var context = new SourceKindContext(o, environment.ContentRootPath, Path.GetFullPath(o.DataDirectory, environment.ContentRootPath), redactor, time, loggers);
        foreach (var section in sections)
        {
            var kind = kinds.Find(section["Type"]) ?? throw new StartupException($"source '{section["Name"]}': Type '{section["Type"]}' is not supported.");
            var source = kind.Create(section, context);
            var state = OpenState(context.SourceDirectory(source.Name), source.Name, kind.Type, o.JournalSegments, time);
            // Where rotated files are looked for when lines are read back (a file source's RotatedFiles, logrotate's olddir).
            var locator = source is IFindsRotatedFiles finds ? finds.Locator : null;
            var journal = new SourceJournal(o.JournalSegments, o.MaxLineBytes, redactor, state.Append, locator);
            journal.Restore(state.Entries, state.LastSeq, state.Positions);
            var hub = new SourceHub(source.Name, state.Epoch, o.BacklogLines, journal, time, state.LastSeq, checkpoint: force => Checkpoint(state, journal, source.Name, force));
            var live = Stages(source, hub, state, state.Positions);
            _byName[source.Name] = live;
            all.Add(live);
        }
        _all = all;
    }

    /// <summary>Configured sources in configuration order, then those added while running; a snapshot.</summary>
    public IReadOnlyList<LiveSource> All => Volatile.Read(ref _all);

    public LiveSource? Find(string name)
    {
        lock (_lock) return _byName.GetValueOrDefault(name);
    }

    /// <summary>
    /// Adds a source made while running, whose records arrive numbered (<see cref="SourceWriter.ForwardAsync"/>) in
    /// the sequence <paramref name="epoch"/> names, after <paramref name="lastSeq"/>; its older records come from
    /// <paramref name="history"/>. A source of the same name is replaced: stopped, and its viewers disconnected.
    /// </summary>
    public LiveSource Add(ISource source, ISourceHistory history, string epoch, long lastSeq)
    {
        var hub = new SourceHub(source.Name, epoch, _options.BacklogLines, history, _time, lastSeq);
        var live = Stages(source, hub, null, null);
        LiveSource? replaced;
        lock (_lock)
        {
            replaced = _byName.GetValueOrDefault(source.Name);
            _byName[source.Name] = live;
            var all = All.ToList();
            var index = replaced is null ? -1 : all.IndexOf(replaced);
            if (index >= 0) all[index] = live;
            else all.Add(live);
            Volatile.Write(ref _all, all);
            if (_stopping is { } stopping) StartLocked(live, stopping);
        }
        if (replaced is not null) Retire(replaced);
        return live;
    }

    private LiveSource Stages(ISource source, SourceHub hub, SourceStateStore? state, IEnumerable<FilePosition>? positions)
    {
        var broadcaster = new SseBroadcaster(hub, _options, _time);
        var writer = new SourceWriter(source.Name, hub.Input, hub.LastSeq, _options.MaxLineBytes, _redactor, _time, () => broadcaster.ViewerCount > 0, positions)
        {
            RestoredFrom = state?.SavedAt,
        };
        return new LiveSource(source, writer, hub, broadcaster, state);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            _stopping = stoppingToken;
            foreach (var source in All) StartLocked(source, stoppingToken);
        }
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        Task[] loops;
        lock (_lock) loops = _running.Values.Select(r => r.Loops).ToArray();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
            // A loop cancelled before it began: nothing of it to wait for.
        }
    }

    private void StartLocked(LiveSource source, CancellationToken stopping)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var token = stop.Token;
        ISequencedRecordSink sink = source.Broadcaster;
        foreach (var tap in _taps)
        {
            if (tap.Attach(source) is { } extra) sink = new SinkPair(sink, extra);
        }
        var loops = Task.WhenAll(
            Task.Run(() => source.Broadcaster.RunAsync(token), token),
            Task.Run(() => source.Hub.RunAsync(sink, token), token),
            Task.Run(() => RunSourceAsync(source, token), token));
        _running[source] = new Running(stop, loops);
    }

    /// <summary>Stops a replaced source's loops and ends its viewers' streams: they reconnect to its successor.</summary>
    private void Retire(LiveSource source)
    {
        Running? running;
        lock (_lock)
        {
            if (_running.Remove(source, out running)) running.Stop.Cancel();
        }
        foreach (var viewer in source.Broadcaster.Viewers) viewer.Complete();
        (source.Source as IDisposable)?.Dispose();
        running?.Loops.ContinueWith(_ => running.Stop.Dispose(), TaskScheduler.Default);
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
            source.State?.Dispose();
            (source.Source as IDisposable)?.Dispose();
        }
    }
}
