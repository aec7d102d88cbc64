namespace TailHub.Alerts;

/// <summary>A source name or a glob over names (<c>api-*</c>, <c>web-?</c>), ignoring case as source names do.</summary>
public sealed class SourceNamePattern(string pattern)
{
    public string Pattern { get; } = pattern;

    public bool Matches(string name) => Configuration.Wildcard.IsMatch(Pattern, name);

    public override string ToString() => Pattern;
}
