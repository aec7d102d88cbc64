namespace TailHub.Logging;

/// <summary>
/// Keeps a message that repeats (the same category and message template, whatever its arguments: a client sending a
/// bad key again and again) from flooding the log: in each <see cref="Window"/> the first one is written, the rest
/// are counted, and the count is written when the window is over ("… repeated N more times").
/// </summary>
public sealed class RepeatedMessageLimiter(TimeProvider time)
{
    /// <summary>How long repeats of one message are counted before their count is written.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Distinct templates are few (they are in TailHub's code), but a message without a template is keyed by its text:
    // beyond this many keys, windows that are over are forgotten.
    private const int MaxKeys = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Category, string Template), Repeats> _seen = [];

    private sealed class Repeats(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; set; } = since;
        public long Suppressed { get; set; }
    }

    /// <summary>
    /// Whether to write this message now. A window that is over is closed first: its count comes back in
    /// <paramref name="summary"/>, to be written before the message.
    /// </summary>
    public bool ShouldWrite(string category, string template, out string? summary)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            summary = null;
            if (_seen.TryGetValue((category, template), out var repeats) && now - repeats.Since < Window)
            {
                repeats.Suppressed++;
                return false;
            }
            if (repeats is not null) summary = Summary(template, repeats, now);
            else if (_seen.Count >= MaxKeys) Forget(now);
            _seen[(category, template)] = new Repeats(now);
            return true;
        }
    }

    /// <summary>
    /// The counts of every window that is over (or of every window, at shutdown), as (category, summary) pairs; their
    /// messages are forgotten.
    /// </summary>
    public List<(string Category, string Summary)> TakeFinishedWindows(bool evenIfOpen = false)
    {
        var now = time.GetUtcNow();
        var finished = new List<(string, string)>();
        lock (_lock)
        {
            foreach (var ((category, template), repeats) in _seen.ToList())
            {
                if (!evenIfOpen && now - repeats.Since < Window) continue;
                if (Summary(template, repeats, now) is { } summary) finished.Add((category, summary));
                _seen.Remove((category, template));
            }
        }
        return finished;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, repeats) in _seen.ToList())
        {
            if (now - repeats.Since >= Window && repeats.Suppressed == 0) _seen.Remove(key);
        }
    }

    private static string? Summary(string template, Repeats repeats, DateTimeOffset now) => repeats.Suppressed == 0
        ? null
        : $"\"{template}\" repeated {repeats.Suppressed} more times in the {(now - repeats.Since).TotalSeconds:F0} s after it was logged";
}
