using TailHub.Pipeline;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TailHub.Configuration;
using TailHub.Sources;
using TailHub.Sources.Jenkins;
using TailHub.Tests.Support;

namespace TailHub.Tests.Sources.Jenkins;

/// <summary>
/// Runs one <see cref="JenkinsSource"/> against a <see cref="FakeJenkins"/> with a short poll interval, collecting its
/// notices and log messages, and waits for conditions with a deadline (never a bare sleep).
/// </summary>
public sealed class JenkinsSourceHarness : IAsyncDisposable
{
    // Below the configuration floor on purpose: the follower takes any interval, and a fast one keeps the suite quick.
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SourceRecord[]> _hub = Channel.CreateUnbounded<SourceRecord[]>();
    private readonly CapturingLoggers _loggers = new();
    private readonly bool _ownsFolder;
    private Task _run = Task.CompletedTask;

    public JenkinsSourceHarness(FakeJenkins jenkins, string job, TempFolder? folder = null, Action<JenkinsSourceOptions>? configure = null,
        TailHub.Pipeline.Redaction.LineRedactor? redactor = null)
    {
        _ownsFolder = folder is null;
        Folder = folder ?? new TempFolder();
        Options = new JenkinsSourceOptions
        {
            Name = "ci",
            Type = "jenkins",
            Url = jenkins.BaseAddress.AbsoluteUri,
            Job = job,
            PollInterval = Poll,
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(Options);
        Writer = new SourceWriter(Options.Name, _hub.Writer, 0, 64 * 1024, redactor ?? TailHub.Pipeline.Redaction.LineRedactor.None, TimeProvider.System, () => false);
        Source = new JenkinsSource(Options, Folder.PathOf("jenkins-ci"), TimeProvider.System, _loggers);
    }

    public TempFolder Folder { get; }
    public JenkinsSourceOptions Options { get; }
    public SourceWriter Writer { get; }
    public JenkinsSource Source { get; }
    public IReadOnlyCollection<string> LogMessages => _loggers.Messages;

    public JenkinsSourceHarness Start()
    {
        _run = Task.Run(() => Source.RunAsync(Writer, _stop.Token));
        return this;
    }

    /// <summary>Stops the source as TailHub's shutdown does, keeping its folder for a restart.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    public byte[] BuildFile(int number) => File.ReadAllBytes(JenkinsBuildFile.LogPath(Source.Directory, number));

    /// <summary>Everything the source wrote so far, in order: build notices and console lines.</summary>
    public List<SourceRecord> Records()
    {
        while (_hub.Reader.TryRead(out var chunk)) Received.AddRange(chunk);
        return [.. Received];
    }

    public List<SourceNotice> Notices() => Records().OfType<SourceNotice>().ToList();

    public List<string> Lines() => Records().OfType<LogLine>().Select(l => l.Text).ToList();

    private List<SourceRecord> Received { get; } = [];

    public Task UntilFinishedAsync(int number) =>
        Eventually.Async(() => Source.Build is { State: "finished" } s && s.Number == number, $"build #{number} to be finished (now {Source.Build}; log: {string.Join(" | ", LogMessages.TakeLast(5))})");

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        Source.Dispose();
        _stop.Dispose();
        if (_ownsFolder) Folder.Dispose();
    }

    private sealed class CapturingLoggers : ILoggerFactory
    {
        public ConcurrentQueue<string> Messages { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(Messages);
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
