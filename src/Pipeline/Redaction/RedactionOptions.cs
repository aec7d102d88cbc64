namespace TailHub.Pipeline.Redaction;

/// <summary>The <c>TailHub:Redaction</c> section: how secrets are masked in every line before anyone sees it.</summary>
public sealed class RedactionOptions
{
    public const string Section = "TailHub:Redaction";

    /// <summary>Off only when every reader of every source may see every secret in it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The built-in rules (passwords, tokens, keys, PEM private keys, …) in addition to <see cref="Rules"/>.</summary>
    public bool UseDefaults { get; set; } = true;

    /// <summary>Operator rules, applied after the defaults.</summary>
    public List<RedactionRuleOptions> Rules { get; set; } = [];

    /// <summary>
    /// Match timeout per rule and line; a line whose masking times out is hidden whole (fail closed). It is a guard
    /// against a pathological pattern, not a budget: it is wall-clock time, so a busy machine must not trip it.
    /// </summary>
    public TimeSpan MatchTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One rule: every match of <see cref="Pattern"/> becomes <see cref="Replacement"/> (which may use <c>$1</c> etc.).</summary>
public sealed class RedactionRuleOptions
{
    public string Name { get; set; } = "";
    public string Pattern { get; set; } = "";
    public string Replacement { get; set; } = "***";

    /// <summary>
    /// Case-insensitive substrings a line must contain for the rule to be tried. Empty means the rule's regex runs on
    /// every line, which costs more; give triggers when the pattern has a fixed part.
    /// </summary>
    public List<string> Triggers { get; set; } = [];
}
