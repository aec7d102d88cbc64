using System.Text;
using System.Text.RegularExpressions;
using TailHub.Pipeline;
using TailHub.Pipeline.Structure;

namespace TailHub.Alerts;

/// <summary>
/// Evaluates every line of the watched sources against the rules, off the hot path: one loop drains the
/// <see cref="AlertQueue"/> that hubs feed. A rule's first match on a source is sent at once and opens its cooldown;
/// matches during the cooldown are counted, and when it ends they go out as one roll-up (count, first and last
/// example) and the next cooldown begins; a cooldown that ends with nothing counted closes, so the next match is
/// again sent at once. A storm is therefore one notification and then at most one roll-up per cooldown.
/// </summary>
/// <remarks>
/// Per line: the level (a comparison) and field conditions first; the text is decoded once, into a reused buffer,
/// only for rules that get that far; with several linear-time patterns, one pass of all of them together tells
/// whether any matches before each is tried. Lines counted in bulk (a <see cref="LineRun"/>) are read back from the
/// source's history in slices; a file's backfill is not evaluated.
/// </remarks>
public sealed class AlertEvaluator(AlertSet alerts, AlertQueue queue, AlertLinks links, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    private const int RunSlice = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<(AlertRule Rule, string Source), CooldownWindow> _windows = [];
    private readonly Dictionary<string, SourceRules> _bySource = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset _nextDue = DateTimeOffset.MaxValue;
    private char[] _chars = new char[1024];
    private long _timeouts;

    /// <summary>Lines a pattern could not decide within <see cref="AlertsOptions.MatchTimeout"/> (taken as not matching).</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>A rule's repeats being counted on a source, until its cooldown ends.</summary>
    public sealed record Cooling(string Rule, string Source, DateTimeOffset Until, int Pending);

    public IReadOnlyList<Cooling> Cools()
    {
        lock (_lock)
        {
            return _windows.Values.Where(w => w.Open).Select(w => new Cooling(w.Rule.Name, w.Source, w.Until, w.Pending)).ToList();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deliveries = alerts.Destinations.Select(d => Task.Run(() => d.RunAsync(stoppingToken), stoppingToken)).ToList();
        try
        {
            await EvaluateAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        try
        {
            await Task.WhenAll(deliveries);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task EvaluateAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        while (true)
        {
            while (reader.TryRead(out var chunk))
            {
                try
                {
                    Evaluate(chunk.Source.Name, chunk.Source.Hub, chunk.Records);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Alerts: lines of {Source} could not be evaluated: {Error}", chunk.Source.Name, e.Message);
                }
                finally
                {
                    queue.Done(chunk.Lines);
                }
                CloseDue();
            }
            CloseDue();
            var due = NextDue();
            if (due == DateTimeOffset.MaxValue) await reader.WaitToReadAsync(stoppingToken);
            else if (due - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
                await Task.WhenAny(reader.WaitToReadAsync(stoppingToken).AsTask(), Task.Delay(wait, time, stoppingToken));
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Evaluates a chunk of <paramref name="source"/>'s records; <paramref name="hub"/> reads back lines counted in bulk.</summary>
    public void Evaluate(string source, SourceHub hub, SourceRecord[] records)
    {
        var rules = RulesFor(source);
        if (rules.Rules.Count == 0) return;
        foreach (var record in records)
        {
            if (record is LogLine line)
            {
                Evaluate(rules, source, line);
            }
            else if (record is LineRun { Backfill: false } run)
            {
                // A file's backfill (what it held before TailHub started reading it) is history, not something happening.
                for (var from = run.Seq; from <= run.LastSeq; from += RunSlice)
                {
                    foreach (var read in hub.History(from - 1, Math.Min(run.LastSeq, from + RunSlice - 1)))
                        if (read is LogLine readLine) Evaluate(rules, source, readLine);
                }
            }
        }
    }

    private void Evaluate(SourceRules rules, string source, LogLine line)
    {
        var length = -1;
        bool? any = null;
        foreach (var rule in rules.Rules)
        {
            if (line.Level < rule.MinLevel) continue;
            if (rule.Fields.Count > 0 && !FieldsMatch(rule, line)) continue;
            if (rule.Match is { } match)
            {
                if (length < 0) length = Decode(line);
                var text = _chars.AsSpan(0, length);
                if (rules.Prefilter is { } prefilter && rule.MatchIsLinear)
                {
                    any ??= IsMatch(prefilter, text, undecided: true);
                    if (any == false) continue;
                }
                if (!IsMatch(match, text, undecided: false)) continue;
            }
            Matched(rule, source, line);
        }
    }

    private int Decode(LogLine line)
    {
        if (_chars.Length < line.Utf8.Length) _chars = new char[Math.Max(line.Utf8.Length, _chars.Length * 2)];
        return Encoding.UTF8.GetChars(line.Utf8, _chars);
    }

    private bool IsMatch(Regex regex, ReadOnlySpan<char> text, bool undecided)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
            return undecided;
        }
    }

    private bool FieldsMatch(AlertRule rule, LogLine line)
    {
        foreach (var condition in rule.Fields)
        {
            if (FieldValue(line, condition.Field) is not { } value || !IsMatch(condition.Pattern, value, undecided: false)) return false;
        }
        return true;
    }

    /// <summary>A field of a JSON or logfmt line as text; null for a plain line or a field it does not have.</summary>
    public static string? FieldValue(LogLine line, string field)
    {
        switch (line.Shape)
        {
            case LineShape.Json:
                return JsonLine.Field(line.Utf8, field);
            case LineShape.Logfmt:
                Span<byte> key = stackalloc byte[256];
                if (Encoding.UTF8.GetByteCount(field) > key.Length) return null;
                key = key[..Encoding.UTF8.GetBytes(field, key)];
                var reader = new LogfmtReader(line.Utf8);
                while (reader.Next(out var pair))
                {
                    if (pair.Key.SequenceEqual(key)) return pair.HasValue ? pair.Text() : "";
                }
                return null;
            default:
                return null;
        }
    }

    private void Matched(AlertRule rule, string source, LogLine line)
    {
        var now = time.GetUtcNow();
        AlertNotification? rollUp = null;
        AlertNotification? first = null;
        lock (_lock)
        {
            if (!_windows.TryGetValue((rule, source), out var window)) _windows[(rule, source)] = window = new CooldownWindow(rule, source);
            if (window.Open && now < window.Until)
            {
                window.Count(line);
                rule.Matched(source, line, rolledUp: true);
                return;
            }
            // Idle, or a cooldown that ended before it could be closed: its roll-up first, then this line at once.
            if (window.Open && window.Pending > 0) rollUp = RollUp(window);
            window.Restart(now);
            first = new AlertNotification(rule.Name, source, NotificationKind.First, 1, Example(source, line), Example(source, line), rule.Cooldown);
            rule.Matched(source, line, rolledUp: false);
            if (window.Until < _nextDue) _nextDue = window.Until;
        }
        if (rollUp is not null) rule.Notify(rollUp);
        rule.Notify(first);
    }

    /// <summary>Ends the cooldowns that are over: their roll-ups go out and the next cooldown begins, or they close.</summary>
    public void CloseDue()
    {
        var now = time.GetUtcNow();
        if (now < _nextDue) return;
        List<(AlertRule Rule, AlertNotification Notification)>? rollUps = null;
        lock (_lock)
        {
            var next = DateTimeOffset.MaxValue;
            foreach (var window in _windows.Values)
            {
                if (!window.Open) continue;
                if (window.Until <= now)
                {
                    if (window.Pending > 0)
                    {
                        (rollUps ??= []).Add((window.Rule, RollUp(window)));
                        window.Restart(now);
                    }
                    else
                    {
                        window.Open = false;
                        continue;
                    }
                }
                if (window.Until < next) next = window.Until;
            }
            _nextDue = next;
        }
        foreach (var (rule, notification) in rollUps ?? []) rule.Notify(notification);
    }

    private DateTimeOffset NextDue()
    {
        lock (_lock) return _nextDue;
    }

    private AlertNotification RollUp(CooldownWindow window) => new(window.Rule.Name, window.Source, NotificationKind.RollUp, window.Pending,
        Example(window.Source, window.First!), Example(window.Source, window.Last!), window.Rule.Cooldown);

    /// <summary>A line as notifications show it: masked (as every line is), without terminal colours, clipped.</summary>
    public AlertExample Example(string source, LogLine line)
    {
        var text = line.Text;
        if (text.Contains('\u001b'))
        {
            var stripped = new byte[line.Utf8.Length];
            text = Encoding.UTF8.GetString(stripped, 0, AnsiCodes.Strip(line.Utf8, stripped));
        }
        if (text.Length > AlertExample.MaxTextLength) text = text[..AlertExample.MaxTextLength] + "…";
        return new AlertExample(source, line.Seq, text, line.Level, DateTimeOffset.FromUnixTimeMilliseconds(line.TimestampMs),
            line.At != 0 ? DateTimeOffset.FromUnixTimeMilliseconds(line.At) : null, links.For(source, line.Seq));
    }

    /// <summary>The rules for a source, with the one-pass prefilter over their linear patterns (made at first sight).</summary>
    private SourceRules RulesFor(string source)
    {
        if (_bySource.TryGetValue(source, out var rules)) return rules;
        var applying = alerts.Rules.Where(r => r.AppliesTo(source)).ToList();
        var linear = applying.Where(r => r.MatchIsLinear).Select(r => r.Match!).ToList();
        Regex? prefilter = null;
        if (linear.Count >= 2)
        {
            try
            {
                prefilter = new Regex(string.Join("|", linear.Select(r => $"(?:{r})")), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, alerts.Options.MatchTimeout);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                // Together they do not compile (a duplicate group name used differently): each is tried on its own.
            }
        }
        return _bySource[source] = new SourceRules(applying, prefilter);
    }

    private sealed record SourceRules(IReadOnlyList<AlertRule> Rules, Regex? Prefilter);

    /// <summary>A rule's cooldown on one source, and the matches counted in it.</summary>
    private sealed class CooldownWindow(AlertRule rule, string source)
    {
        public AlertRule Rule { get; } = rule;
        public string Source { get; } = source;
        public bool Open { get; set; }
        public DateTimeOffset Until { get; private set; }
        public int Pending { get; private set; }
        public LogLine? First { get; private set; }
        public LogLine? Last { get; private set; }

        public void Restart(DateTimeOffset now)
        {
            Open = true;
            Until = now + Rule.Cooldown;
            Pending = 0;
            First = Last = null;
        }

        public void Count(LogLine line)
        {
            Pending++;
            First ??= line;
            Last = line;
        }
    }
}
