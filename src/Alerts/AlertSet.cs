using System.Net;
using System.Text.RegularExpressions;
using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>
/// The configured rules and destinations, compiled and checked: what is wrong is said in sentences (TailHub refuses
/// to start with them, exit code 2). The same code checks configuration at start-up and builds what runs.
/// </summary>
public sealed partial class AlertSet : IDisposable
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ValidName();

    [GeneratedRegex(@"^[A-Za-z0-9_*?-]{1,64}$")]
    private static partial Regex ValidSourcePattern();

    private static readonly string[] Types = ["webhook", "slack", "ntfy"];

    private AlertSet(AlertsOptions options, List<AlertRule> rules, List<AlertDestination> destinations)
    {
        Options = options;
        Rules = rules;
        Destinations = destinations;
    }

    public AlertsOptions Options { get; }
    public IReadOnlyList<AlertRule> Rules { get; }
    public IReadOnlyList<AlertDestination> Destinations { get; }

    public AlertRule? Find(string rule) => Rules.FirstOrDefault(r => string.Equals(r.Name, rule, StringComparison.OrdinalIgnoreCase));

    /// <summary>What is wrong with <paramref name="options"/>; empty when nothing is.</summary>
    public static List<string> Check(AlertsOptions options, IReadOnlyCollection<string> sources, Func<string, string?> environment)
    {
        Build(options, sources, environment, null, out var errors)?.Dispose();
        return errors;
    }

    /// <summary>
    /// Compiles <paramref name="options"/>; null (with <paramref name="errors"/>) when something is wrong.
    /// <paramref name="destination"/> makes a destination that can send; without it, only the checks run.
    /// </summary>
    public static AlertSet? Build(AlertsOptions options, IReadOnlyCollection<string> sources, Func<string, string?> environment,
        Func<AlertDestinationOptions, Uri, string?, AlertDestination>? destination, out List<string> errors)
    {
        errors = [];
        var destinations = new Dictionary<string, AlertDestination?>(StringComparer.OrdinalIgnoreCase);
        var configured = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (d, i) in options.Destinations.Select((d, i) => (d, i)))
        {
            var label = ValidName().IsMatch(d.Name ?? "") ? $"alert destination '{d.Name}'" : $"Alerts:Destinations[{i}]";
            var problems = new List<string>();
            if (!ValidName().IsMatch(d.Name ?? "")) problems.Add("Name must be 1-64 characters of letters, digits, '-' or '_', starting with a letter or digit.");
            else if (!configured.Add(d.Name!)) problems.Add("the name is used by another destination.");
            if (!Types.Contains(d.Type?.ToLowerInvariant())) problems.Add($"Type '{d.Type}' is not supported (supported: {string.Join(", ", Types)}).");
            var url = Url(d, environment, problems);
            string? token = null;
            if (d.TokenEnv is { Length: > 0 } tokenEnv && string.IsNullOrEmpty(token = environment(tokenEnv)))
                problems.Add($"TokenEnv names {tokenEnv}, which is not set.");
            if (d.Template is { Length: > 0 } template)
            {
                if (!string.Equals(d.Type, "webhook", StringComparison.OrdinalIgnoreCase)) problems.Add("Template is only for Type webhook.");
                else if (WebhookFormat.Check(template) is { } templateProblem) problems.Add(templateProblem);
            }
            if (d.MaxPerMinute is < 1 or > 10_000) problems.Add("MaxPerMinute must be from 1 to 10000.");
            errors.AddRange(problems.Select(p => $"{label}: {p}"));
            if (problems.Count == 0) destinations[d.Name!] = destination?.Invoke(d, url!, token);
        }

        var rules = new List<AlertRule>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (r, i) in options.Rules.Select((r, i) => (r, i)))
        {
            var label = ValidName().IsMatch(r.Name ?? "") ? $"alert rule '{r.Name}'" : $"Alerts:Rules[{i}]";
            var problems = new List<string>();
            if (!ValidName().IsMatch(r.Name ?? "")) problems.Add("Name must be 1-64 characters of letters, digits, '-' or '_', starting with a letter or digit.");
            else if (!names.Add(r.Name!)) problems.Add("the name is used by another rule.");
            var patterns = new List<SourceNamePattern>();
            foreach (var pattern in r.Sources)
            {
                if (!ValidSourcePattern().IsMatch(pattern ?? "")) problems.Add($"Sources: '{pattern}' is not a source name or a glob of one (letters, digits, '-', '_', '*', '?').");
                else if (new SourceNamePattern(pattern!) is var p && !sources.Any(p.Matches)) problems.Add($"Sources: '{pattern}' matches no configured source.");
                else patterns.Add(new SourceNamePattern(pattern!));
            }
            var match = r.Match is { Length: > 0 } m ? Compile(m, options.MatchTimeout, "Match", problems) : null;
            var minLevel = LineLevel.Unknown;
            if (r.MinLevel is { Length: > 0 } level && !LineLevels.TryParse(level, out minLevel))
                problems.Add($"MinLevel '{level}' is not a level (trace, debug, info, warn, error, fatal).");
            var fields = new List<FieldCondition>();
            foreach (var (field, pattern) in r.Fields)
            {
                if (string.IsNullOrWhiteSpace(field)) problems.Add("Fields: a field name is empty.");
                else if (Compile(pattern ?? "", options.MatchTimeout, $"Fields:{field}", problems) is { } regex) fields.Add(new FieldCondition(field, regex));
            }
            if (r.Match is not { Length: > 0 } && minLevel == LineLevel.Unknown && r.Fields.Count == 0)
                problems.Add("give Match, MinLevel or Fields: a rule without any would match every line.");
            if (r.Cooldown < TimeSpan.FromSeconds(1) || r.Cooldown > TimeSpan.FromDays(1)) problems.Add("Cooldown must be from 00:00:01 to 1.00:00:00.");
            var targets = new List<AlertDestination>();
            if (r.Destinations.Count == 0) problems.Add("Destinations names no destination.");
            foreach (var name in r.Destinations)
            {
                // A destination configured with problems of its own is reported as such, not again here.
                if (!configured.Contains(name ?? "")) problems.Add($"Destinations: '{name}' is not a configured destination (see Alerts:Destinations).");
                else if (destinations.GetValueOrDefault(name!) is { } target) targets.Add(target);
            }
            errors.AddRange(problems.Select(p => $"{label}: {p}"));
            if (problems.Count == 0) rules.Add(new AlertRule(r, patterns, match, minLevel, fields, targets));
        }

        var built = destinations.Values.OfType<AlertDestination>().ToList();
        if (errors.Count == 0 && destination is not null) return new AlertSet(options, rules, built);
        foreach (var d in built) d.Dispose();
        return null;
    }

    /// <summary>
    /// The destination's URL: from <c>Url</c> or the variable <c>UrlEnv</c> names (whose value is never repeated in a
    /// message: it may be a secret). An address literal that is not public needs <c>AllowPrivateNetwork</c>; a name is
    /// checked on its addresses at each connection.
    /// </summary>
    private static Uri? Url(AlertDestinationOptions d, Func<string, string?> environment, List<string> problems)
    {
        string? text;
        string what;
        if (d.Url is { Length: > 0 } == d.UrlEnv is { Length: > 0 })
        {
            problems.Add("give either Url or UrlEnv (the environment variable holding the URL).");
            return null;
        }
        if (d.UrlEnv is { Length: > 0 } variable)
        {
            text = environment(variable);
            what = $"UrlEnv {variable}";
            if (string.IsNullOrEmpty(text))
            {
                problems.Add($"UrlEnv names {variable}, which is not set.");
                return null;
            }
        }
        else
        {
            text = d.Url;
            what = "Url";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            problems.Add($"{what} must be an absolute http:// or https:// URL.");
            return null;
        }
        if (url.UserInfo.Length > 0)
        {
            problems.Add($"{what} must not hold a user name or password: use TokenEnv.");
            return null;
        }
        if (!d.AllowPrivateNetwork && IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && NetworkGuard.WhyRefused(address) is { } why)
        {
            problems.Add($"{what} names {address}, {why}: set AllowPrivateNetwork: true to send there.");
            return null;
        }
        return url;
    }

    /// <summary>A pattern on the linear-time engine where it can run there, else on the backtracking one (with the timeout).</summary>
    private static Regex? Compile(string pattern, TimeSpan timeout, string what, List<string> problems)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, timeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds: configuration is the operator's own, so it may use them, with the timeout.
        }
        catch (ArgumentException e)
        {
            problems.Add($"{what} is not a valid regular expression: {e.Message}");
            return null;
        }
        return new Regex(pattern, RegexOptions.CultureInvariant, timeout);
    }

    public void Dispose()
    {
        foreach (var destination in Destinations) destination.Dispose();
    }
}
