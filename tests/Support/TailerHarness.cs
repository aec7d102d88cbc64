using TailHub.Pipeline;
using System.Threading.Channels;
using TailHub.Configuration;
using TailHub.Sources;

namespace TailHub.Tests.Support;

/// <summary>
/// The real <see cref="FileTailer"/> on real files in a temporary folder, with everything it emits collected in
/// order, so tests can wait for a condition on what was emitted rather than sleep.
/// </summary>
public sealed class TailerHarness : IAsyncDisposable
{
    private readonly Channel<SourceRecord[]> _channel = Channel.CreateBounded<SourceRecord[]>(64);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SourceRecord> _records = [];
    private readonly Task _tailer;
    private readonly Task _collector;
    private readonly SemaphoreSlim _changed = new(0);
    private bool _disposed;

    /// <param name="open">How the tailer opens files (default: as in production).</param>
    /// <param name="time">The tailer's clock (default: the system's).</param>
    /// <param name="rotatedFiles">The source's <c>RotatedFiles</c> glob, relative to the folder.</param>
    public TailerHarness(string path, TempFolder folder, Action<TailHubOptions>? configure = null, Func<bool>? linesWatched = null,
        FileOpener? open = null, TimeProvider? time = null, string? rotatedFiles = null, TailHub.Pipeline.Redaction.LineRedactor? redactor = null)
    {
        Folder = folder;
        var options = new TailHubOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50),
            RotatedFileGrace = TimeSpan.FromMilliseconds(500),
            InitialLines = 0,
        };
        configure?.Invoke(options);
        var locator = new FileLocator(rotatedFiles is null ? null : SourcePath.Parse(rotatedFiles, folder.Path));
        // The tailer writes through a source's writer, as in TailHub; here the writer's hub is this harness's channel.
        var writer = new SourceWriter("test", _channel.Writer, 0, options.MaxLineBytes, redactor ?? TailHub.Pipeline.Redaction.LineRedactor.None,
            time ?? TimeProvider.System, linesWatched ?? (() => false));
        Tailer = new FileTailer("test", SourcePath.Parse(path, folder.Path), options, writer, time ?? TimeProvider.System, Logger, locator, open);
        _tailer = Task.Run(() => Tailer.RunAsync(_stop.Token));
        _collector = Task.Run(CollectAsync);
    }

    public FileTailer Tailer { get; }

    /// <summary>What the tailer logged, as "Level: message" lines.</summary>
    public CollectingLogger Logger { get; } = new();
    public TempFolder Folder { get; }

    private async Task CollectAsync()
    {
        try
        {
            await foreach (var chunk in _channel.Reader.ReadAllAsync(_stop.Token))
            {
                lock (_records) _records.AddRange(chunk);
                _changed.Release();
            }
        }
        catch (OperationCanceledException) { }
    }

    public List<SourceRecord> Records
    {
        get { lock (_records) return [.. _records]; }
    }

    public List<string> Lines => Records.OfType<LogLine>().Select(l => l.Text).ToList();

    public List<SourceNotice> Notices => Records.OfType<SourceNotice>().ToList();

    /// <summary>Waits until what was emitted satisfies <paramref name="condition"/>; fails with what was seen on timeout.</summary>
    public async Task WaitUntilAsync(Func<TailerHarness, bool> condition, string what, TimeSpan? timeout = null, Func<string>? explain = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition(this))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                var lines = Lines;
                throw new TimeoutException($"timed out waiting for {what}; saw {lines.Count} lines (last: '{lines.LastOrDefault()}') and notices [{string.Join(", ", Notices.Select(n => n.Kind))}]{explain?.Invoke()}");
            }
            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public Task WaitForLinesAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(h => h.Records.OfType<LogLine>().Count() >= count, $"{count} lines", timeout);

    public Task WaitForNoticeAsync(NoticeKind kind, TimeSpan? timeout = null) =>
        WaitUntilAsync(h => h.Notices.Any(n => n.Kind == kind), $"a {kind} notice", timeout);

    /// <summary>Stops the tailer (a test may do so early, to leave it as a stuck one would be); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        try { await _tailer; } catch (OperationCanceledException) { }
        try { await _collector; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
