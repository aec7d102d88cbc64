using Microsoft.Extensions.Options;

namespace TailHub.Pipeline.Redaction;

/// <summary>An invalid rule stops TailHub at start-up (exit code 2), naming the rule.</summary>
public sealed class RedactionOptionsValidator : IValidateOptions<RedactionOptions>
{
    public ValidateOptionsResult Validate(string? name, RedactionOptions options)
    {
        var (_, errors) = RedactionRules.Compile(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
