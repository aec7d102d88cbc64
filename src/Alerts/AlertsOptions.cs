using System.ComponentModel.DataAnnotations;

namespace TailHub.Alerts;

/// <summary>
/// <c>TailHub:Alerts</c>: rules that watch sources' lines and the destinations they notify. Configuration only: no API
/// adds a rule or a destination.
/// </summary>
public sealed class AlertsOptions
{
    public const string Section = "TailHub:Alerts";

    public List<AlertRuleOptions> Rules { get; set; } = [];

    public List<AlertDestinationOptions> Destinations { get; set; } = [];

    /// <summary>
    /// Lines waiting to be evaluated, at most. Past it, a source's new lines are not evaluated (counted as overflow in
    /// <c>/api/alerts</c> and metrics): the pipeline and viewers never wait for alerts.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int QueueLines { get; set; } = 200_000;

    /// <summary>Longest a rule's <c>Match</c> (or a field condition) may take on one line; a line not decided in time does not match.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MatchTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Retries of a failed delivery (a 5xx, 408, 429, a timeout, a refused connection), with exponential back-off and jitter.</summary>
    [Range(0, 10)]
    public int Retries { get; set; } = 3;

    /// <summary>Wait before the first retry; each next one waits about twice as long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one delivery attempt may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>One rule: which sources, what a matching line is, how long repeats are rolled up, where to send.</summary>
public sealed class AlertRuleOptions
{
    /// <summary>1–64 of <c>A-Z a-z 0-9 - _</c>: it is in URLs, metrics and notifications.</summary>
    public string Name { get; set; } = "";

    /// <summary>Source names or globs (<c>api-*</c>); empty: every source.</summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>A .NET regular expression a line must contain a match of (run in linear time where the pattern allows).</summary>
    public string? Match { get; set; }

    /// <summary>The lowest level a line must have (<c>warn</c>: warn, error and fatal); a line without a level never passes.</summary>
    public string? MinLevel { get; set; }

    /// <summary>Field → regular expression: the JSON or logfmt line must have each field, its value matching (<c>^5\d\d$</c>).</summary>
    public Dictionary<string, string> Fields { get; set; } = [];

    /// <summary>After a notification, repeats of the rule on the same source are counted for this long and sent as one roll-up.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Names of <see cref="AlertsOptions.Destinations"/> to notify.</summary>
    public List<string> Destinations { get; set; } = [];
}

/// <summary>Where notifications go.</summary>
public sealed class AlertDestinationOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>webhook</c> (a JSON body, <see cref="Template"/>), <c>slack</c> (an incoming webhook) or <c>ntfy</c> (a topic URL).</summary>
    public string Type { get; set; } = "webhook";

    /// <summary>The URL; or <see cref="UrlEnv"/> for one that is a secret (a Slack webhook URL is).</summary>
    public string? Url { get; set; }

    /// <summary>The environment variable holding the URL.</summary>
    public string? UrlEnv { get; set; }

    /// <summary>The environment variable holding a token sent as <c>Authorization: Bearer</c>.</summary>
    public string? TokenEnv { get; set; }

    /// <summary>Whether the URL may lead to a loopback, link-local, private or unique-local address (checked on every connection).</summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>For <c>webhook</c>: the JSON body, with <c>{{placeholders}}</c> (see README); empty for TailHub's own body.</summary>
    public string? Template { get; set; }

    /// <summary>Notifications sent to this destination in any minute, at most, whatever the rules: the rest are dropped and counted.</summary>
    [Range(1, 10_000)]
    public int MaxPerMinute { get; set; } = 30;
}
