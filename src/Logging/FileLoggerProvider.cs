using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;

namespace TailHub.Logging;

/// <summary>
/// TailHub's own log, one line per message, appended to a file (by default <c>logs/tailhub.log</c>, which the shipped
/// configuration tails, so a fresh start shows live lines at once). Writing happens on a background task so logging
/// never blocks a request; if the file cannot be written, messages are dropped rather than crash the server.
/// The file is bounded: past <c>maxBytes</c> it is rolled (<c>tailhub.log</c> → <c>tailhub.log.1</c> → … ) and only
/// <c>fileCount</c> files are kept; and a message that keeps repeating is written once per window, then counted
/// (<see cref="RepeatedMessageLimiter"/>), so nobody sending bad requests can fill the disk.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new();
    private readonly Task _writer;
    private readonly TimeProvider _time;
    private readonly long _maxBytes;
    private readonly int _fileCount;
    private readonly RepeatedMessageLimiter _repeats;
    private readonly ITimer _summaries;

    /// <param name="maxBytes">Size at which the file is rolled.</param>
    /// <param name="fileCount">Files kept, the one being written included.</param>
    public FileLoggerProvider(string path, TimeProvider time, long maxBytes = 10 * 1024 * 1024, int fileCount = 5)
    {
        _time = time;
        _maxBytes = maxBytes;
        _fileCount = fileCount;
        _repeats = new RepeatedMessageLimiter(time);
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = Task.Run(WriteAsync);
        // Counts of repeats are written when their window is over, even if the message never comes again.
        _summaries = time.CreateTimer(_ => WriteSummaries(), null, RepeatedMessageLimiter.Window, RepeatedMessageLimiter.Window);
    }

    public string Path { get; }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(name, this));

    private void Enqueue(string line) => _lines.Writer.TryWrite(line);

    private void WriteSummaries(bool evenIfOpen = false)
    {
        foreach (var (category, summary) in _repeats.TakeFinishedWindows(evenIfOpen)) Enqueue(Format(LogLevel.Information, category, summary, null));
    }

    private async Task WriteAsync()
    {
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync())
        {
            try
            {
                var stream = Open();
                try
                {
                    while (reader.TryRead(out var line))
                    {
                        var bytes = Encoding.UTF8.GetBytes(line);
                        if (stream.Length > 0 && stream.Length + bytes.Length > _maxBytes)
                        {
                            await stream.DisposeAsync();
                            Roll();
                            stream = Open();
                        }
                        await stream.WriteAsync(bytes);
                    }
                }
                finally
                {
                    await stream.DisposeAsync();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                while (reader.TryRead(out _)) { }
            }
        }
    }

    private FileStream Open() => new(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>tailhub.log.(n-1) is dropped, each older file moves up one, and tailhub.log becomes tailhub.log.1.</summary>
    private void Roll()
    {
        if (_fileCount <= 1)
        {
            File.Delete(Path);
            return;
        }
        File.Delete($"{Path}.{_fileCount - 1}");
        for (var i = _fileCount - 2; i >= 1; i--)
        {
            if (File.Exists($"{Path}.{i}")) File.Move($"{Path}.{i}", $"{Path}.{i + 1}");
        }
        File.Move(Path, $"{Path}.1");
    }

    private string Format(LogLevel level, string category, string message, Exception? exception)
    {
        var text = new StringBuilder(64 + message.Length)
            .Append(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture))
            .Append(' ').Append(Level(level)).Append(' ').Append(category).Append(": ")
            .Append(message.ReplaceLineEndings(" ⏎ "));
        if (exception is not null) text.Append(" | ").Append(exception.GetType().Name).Append(": ").Append(exception.Message.ReplaceLineEndings(" ⏎ "));
        return text.Append('\n').ToString();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    public void Dispose()
    {
        _summaries.Dispose();
        WriteSummaries(evenIfOpen: true);
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
    }

    private sealed class FileLogger(string category, FileLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Warning)
            {
                if (!provider._repeats.ShouldWrite(category, TemplateOf(state) ?? message, out var summary)) return;
                if (summary is not null) provider.Enqueue(provider.Format(LogLevel.Information, category, summary, null));
            }
            provider.Enqueue(provider.Format(logLevel, category, message, exception));
        }

        /// <summary>The message template ("Rejected an unknown API key from {Client}"), the same whatever the arguments.</summary>
        private static string? TemplateOf<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0 && values[^1].Key == "{OriginalFormat}"
                ? values[^1].Value as string
                : null;
    }
}
