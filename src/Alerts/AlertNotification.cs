using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>A line a notification shows: masked (as every line is), terminal colours removed, clipped to <see cref="MaxTextLength"/>.</summary>
public sealed record AlertExample(string Source, long Seq, string Text, LineLevel Level, DateTimeOffset ReadAt, DateTimeOffset? LoggedAt, string Link)
{
    public const int MaxTextLength = 2000;
}

public enum NotificationKind
{
    /// <summary>The first match of a rule on a source: sent at once.</summary>
    First,
    /// <summary>The repeats counted during a cooldown, with the first and last of them.</summary>
    RollUp,
    /// <summary>Asked for with <c>POST /api/alerts/{rule}/test</c>.</summary>
    Test,
}

/// <summary>What is sent: one line (<see cref="NotificationKind.First"/>), or <see cref="Count"/> repeats from <see cref="First"/> to <see cref="Last"/>.</summary>
public sealed record AlertNotification(string Rule, string Source, NotificationKind Kind, int Count, AlertExample First, AlertExample Last, TimeSpan Window)
{
    public string KindName => Kind switch
    {
        NotificationKind.RollUp => "rollup",
        NotificationKind.Test => "test",
        _ => "first",
    };

    /// <summary>One sentence: "errors on app: …", "errors on app: … and 143 more like this in the last 5 minutes".</summary>
    public string Summary => Kind switch
    {
        NotificationKind.RollUp => $"{Rule} on {Source}: … and {Count:N0} more like this in the last {Describe(Window)}",
        NotificationKind.Test => $"{Rule}: a test notification from TailHub",
        _ => $"{Rule} on {Source}: {Last.Text}",
    };

    /// <summary>A duration as people say it: "5 minutes", "90 seconds", "1 hour".</summary>
    public static string Describe(TimeSpan span)
    {
        static string Plural(double n, string unit) => $"{n:0.#} {unit}{(Math.Round(n, 1) == 1 ? "" : "s")}";
        if (span.TotalHours >= 1 && span.TotalMinutes % 60 == 0) return Plural(span.TotalHours, "hour");
        if (span.TotalMinutes >= 1 && span.TotalSeconds % 60 == 0) return Plural(span.TotalMinutes, "minute");
        return Plural(Math.Max(1, Math.Round(span.TotalSeconds)), "second");
    }
}
