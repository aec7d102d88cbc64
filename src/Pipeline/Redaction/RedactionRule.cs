using System.Text.RegularExpressions;

namespace TailHub.Pipeline.Redaction;

/// <summary>A compiled rule. <see cref="Triggers"/> empty means the rule is tried on every line.</summary>
public sealed record RedactionRule(string Name, Regex Pattern, string Replacement, IReadOnlyList<string> Triggers)
{
    /// <summary>Compiles a rule; a bad pattern is an <see cref="ArgumentException"/> whose message names the rule.</summary>
    public static RedactionRule Create(string name, string pattern, string replacement, IReadOnlyList<string> triggers, TimeSpan timeout)
    {
        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, timeout);
            return new RedactionRule(name, regex, replacement, triggers);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"redaction rule '{name}': Pattern is not a valid regular expression: {e.Message}", e);
        }
    }
}
