namespace TailHub.Alerts;

/// <summary>A source name or a glob over names (<c>api-*</c>, <c>web-?</c>), ignoring case as source names do.</summary>
public sealed class SourceNamePattern(string pattern)
{
    public string Pattern { get; } = pattern;

    public bool Matches(string name) => Matches(Pattern.AsSpan(), name.AsSpan());

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        // Iterative glob matching with one backtrack point: linear enough for names of at most 64 characters.
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    public override string ToString() => Pattern;
}
