namespace TailHub.Pipeline.Redaction;

/// <summary>Turns the <c>TailHub:Redaction</c> section into compiled rules, or the reasons it cannot.</summary>
public static class RedactionRules
{
    public static (List<RedactionRule> Rules, List<string> Errors) Compile(RedactionOptions options)
    {
        var rules = new List<RedactionRule>();
        var errors = new List<string>();
        if (options.MatchTimeout <= TimeSpan.Zero || options.MatchTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add("Redaction:MatchTimeout must be more than 0 and at most 00:00:10.");
            return (rules, errors);
        }
        var configured = options.UseDefaults ? DefaultRedactionRules.All.Concat(options.Rules) : options.Rules;
        var index = 0;
        foreach (var rule in configured)
        {
            var name = string.IsNullOrWhiteSpace(rule.Name) ? $"Rules[{index}]" : rule.Name;
            index++;
            if (string.IsNullOrEmpty(rule.Pattern))
            {
                errors.Add($"redaction rule '{name}': Pattern is required.");
                continue;
            }
            try
            {
                rules.Add(RedactionRule.Create(name, rule.Pattern, rule.Replacement ?? LineRedactor.Mask,
                    rule.Triggers.Where(t => !string.IsNullOrEmpty(t)).ToArray(), options.MatchTimeout));
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }
        return (rules, errors);
    }
}
