using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;

namespace TailHub.Logging;

/// <summary>
/// TailHub's own log, one line per message, appended to a file (by default <c>logs/tailhub.log</c>, which the shipped
/// configuration tails, so a fresh start shows live lines at once). Writing happens on a background task so logging
/// never blocks a request; if the file cannot be written, messages are dropped rather than crash the server.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new();
    private readonly Task _writer;
    private readonly TimeProvider _time;

    public FileLoggerProvider(string path, TimeProvider time)
    {
        _time = time;
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = Task.Run(WriteAsync);
    }

    public string Path { get; }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(name, this));

    private void Enqueue(string line) => _lines.Writer.TryWrite(line);

    private async Task WriteAsync()
    {
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync())
        {
            try
            {
                await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
                while (reader.TryRead(out var line)) await writer.WriteAsync(line);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                while (reader.TryRead(out _)) { }
            }
        }
    }

    public void Dispose()
    {
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
            var text = new StringBuilder(64 + message.Length)
                .Append(provider._time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture))
                .Append(' ').Append(Level(logLevel)).Append(' ').Append(category).Append(": ")
                .Append(message.ReplaceLineEndings(" ⏎ "));
            if (exception is not null) text.Append(" | ").Append(exception.GetType().Name).Append(": ").Append(exception.Message.ReplaceLineEndings(" ⏎ "));
            provider.Enqueue(text.Append('\n').ToString());
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
    }
}
