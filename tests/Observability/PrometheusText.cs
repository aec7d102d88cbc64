using System.Globalization;

namespace TailHub.Tests.Observability;

/// <summary>Reads values out of a Prometheus text exposition, the way a scraper would see them.</summary>
public static class PrometheusText
{
    /// <summary>The value of the series named <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (<c>source="app"</c>), or null.</summary>
    public static double? Value(string text, string name, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ')) continue;
            var labelEnd = rest[0] == '{' ? rest.IndexOf('}') : -1;
            var labelText = labelEnd < 0 ? "" : rest[..(labelEnd + 1)];
            if (!labels.All(l => labelText.Contains(l, StringComparison.Ordinal))) continue;
            var value = rest[(labelEnd + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, CultureInfo.InvariantCulture);
        }
        return null;
    }
}
