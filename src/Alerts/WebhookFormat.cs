using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TailHub.Pipeline;

namespace TailHub.Alerts;

/// <summary>
/// <c>webhook</c>: a JSON POST. TailHub's own body, or the destination's <c>Template</c>: JSON in which
/// <c>{{placeholder}}</c> is replaced by its value escaped for a JSON string (so it belongs inside quotes, except
/// <c>{{count}}</c> and <c>{{seq}}</c>, which are numbers and may stand alone).
/// </summary>
public sealed partial class WebhookFormat(string? template) : INotificationFormat
{
    /// <summary>The placeholders a template may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        ["rule", "source", "kind", "summary", "text", "level", "seq", "link", "time", "count", "first", "last", "firstLink", "lastLink"];

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public HttpRequestMessage Request(AlertNotification notification, Uri url) => new(HttpMethod.Post, url)
    {
        Content = new StringContent(Body(notification), Encoding.UTF8, "application/json"),
    };

    public string Body(AlertNotification n) => template is { Length: > 0 } ? Fill(template, n) : JsonSerializer.Serialize(new
    {
        rule = n.Rule,
        source = n.Source,
        kind = n.KindName,
        summary = n.Summary,
        count = n.Count,
        windowSeconds = n.Kind == NotificationKind.RollUp ? (double?)n.Window.TotalSeconds : null,
        level = n.Last.Level.Name(),
        seq = n.Last.Seq,
        text = n.Last.Text,
        time = n.Last.LoggedAt ?? n.Last.ReadAt,
        link = n.Last.Link,
        first = Example(n.First),
        last = Example(n.Last),
    }, Json);

    private static object Example(AlertExample e) => new { seq = e.Seq, text = e.Text, level = e.Level.Name(), time = e.LoggedAt ?? e.ReadAt, link = e.Link };

    /// <summary>The template's problems: unknown placeholders, or not JSON once filled in. Empty when it is fine.</summary>
    public static string? Check(string template)
    {
        var unknown = Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p, StringComparer.Ordinal)).Distinct().ToList();
        if (unknown.Count > 0)
            return $"Template uses unknown placeholders {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))} (known: {string.Join(", ", Placeholders.Select(p => "{{" + p + "}}"))}).";
        var sample = new AlertExample("app", 42, "a \"quoted\" line\\", LineLevel.Error, DateTimeOffset.UnixEpoch, null, "http://localhost/?sources=app&line=42");
        try
        {
            using var _ = JsonDocument.Parse(Fill(template, new AlertNotification("rule", "app", NotificationKind.First, 1, sample, sample, TimeSpan.Zero)));
            return null;
        }
        catch (JsonException e)
        {
            return $"Template is not JSON once its placeholders are filled in ({e.Message}); put text placeholders inside quotes: \"{{{{text}}}}\".";
        }
    }

    private static string Fill(string template, AlertNotification n) => Placeholder().Replace(template, m => Escape(m.Groups[1].Value switch
    {
        "rule" => n.Rule,
        "source" => n.Source,
        "kind" => n.KindName,
        "summary" => n.Summary,
        "text" => n.Last.Text,
        "level" => n.Last.Level.Name() ?? "",
        "seq" => n.Last.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "link" => n.Last.Link,
        "lastLink" => n.Last.Link,
        "firstLink" => n.First.Link,
        "time" => (n.Last.LoggedAt ?? n.Last.ReadAt).ToString("O"),
        "count" => n.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "first" => n.First.Text,
        "last" => n.Last.Text,
        _ => m.Value,
    }));

    /// <summary>A value as the inside of a JSON string.</summary>
    private static string Escape(string value)
    {
        var quoted = JsonSerializer.Serialize(value, Json);
        return quoted[1..^1];
    }
}
