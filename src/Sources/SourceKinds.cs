namespace TailHub.Sources;

/// <summary>The kinds of source TailHub knows, by <c>Type</c>.</summary>
public sealed class SourceKinds(IEnumerable<ISourceKind> kinds)
{
    private readonly Dictionary<string, ISourceKind> _byType = kinds.ToDictionary(k => k.Type, StringComparer.OrdinalIgnoreCase);

    public ISourceKind? Find(string? type) => _byType.GetValueOrDefault(string.IsNullOrWhiteSpace(type) ? "file" : type);

    public IEnumerable<string> Types => _byType.Keys.Order(StringComparer.Ordinal);
}
