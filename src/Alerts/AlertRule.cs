using System.Text.RegularExpressions;
using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>A rule's latest match: the line as it is kept in the pipeline (its example is made only when someone looks).</summary>
public sealed record LastMatch(string Source, LogLine Line);

/// <summary>A field a JSON or logfmt line must have, its value matching <see cref="Pattern"/>.</summary>
public sealed record FieldCondition(string Field, Regex Pattern);

/// <summary>
/// A configured rule, compiled: which sources, what a matching line is (all that is given must hold: a level at
/// least <see cref="MinLevel"/>, every field condition, a match of <see cref="Match"/>), the cooldown, the
/// destinations; and what it has done, for <c>/api/alerts</c> and metrics.
/// </summary>
public sealed class AlertRule(
    AlertRuleOptions options,
    IReadOnlyList<SourceNamePattern> sources,
    Regex? match,
    LineLevel minLevel,
    IReadOnlyList<FieldCondition> fields,
    IReadOnlyList<AlertDestination> destinations)
{
    private long _matches;
    private long _sent;
    private long _rolledUp;
    private long _dropped;
    private LastMatch? _lastMatch;

    public string Name => options.Name;
    public AlertRuleOptions Options => options;
    public IReadOnlyList<SourceNamePattern> Sources => sources;
    public Regex? Match => match;

    /// <summary>Whether <see cref="Match"/> runs on the linear-time engine (and may join the other rules' in one pass).</summary>
    public bool MatchIsLinear => match is not null && (match.Options & RegexOptions.NonBacktracking) != 0;

    public LineLevel MinLevel => minLevel;
    public IReadOnlyList<FieldCondition> Fields => fields;
    public TimeSpan Cooldown => options.Cooldown;
    public IReadOnlyList<AlertDestination> Destinations => destinations;

    /// <summary>Lines that matched.</summary>
    public long Matches => Interlocked.Read(ref _matches);
    /// <summary>Notifications delivered, counted once per destination.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    /// <summary>Matches counted into roll-ups instead of being sent one by one.</summary>
    public long RolledUp => Interlocked.Read(ref _rolledUp);
    /// <summary>Notifications not delivered, per destination: over its cap, or failed after retries.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The line that matched last, and its source.</summary>
    public LastMatch? Last => Volatile.Read(ref _lastMatch);

    public bool AppliesTo(string source)
    {
        if (sources.Count == 0) return true;
        foreach (var pattern in sources) if (pattern.Matches(source)) return true;
        return false;
    }

    internal void Matched(string source, LogLine line, bool rolledUp)
    {
        Interlocked.Increment(ref _matches);
        if (rolledUp) Interlocked.Increment(ref _rolledUp);
        Volatile.Write(ref _lastMatch, new LastMatch(source, line));
    }

    /// <summary>Hands <paramref name="notification"/> to every destination; never waits.</summary>
    internal void Notify(AlertNotification notification)
    {
        foreach (var destination in destinations)
        {
            if (!destination.Offer(notification, this)) Interlocked.Increment(ref _dropped);
        }
    }

    internal void Delivered(bool delivered) => Interlocked.Increment(ref delivered ? ref _sent : ref _dropped);
}
