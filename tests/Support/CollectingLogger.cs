using Microsoft.Extensions.Logging;

namespace TailHub.Tests.Support;

/// <summary>A logger that keeps every message it is given, for tests that count what was logged.</summary>
public sealed class CollectingLogger : ILogger
{
    private readonly List<string> _messages = [];

    public List<string> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages) _messages.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
