using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Alerts;

/// <summary>Rules and destinations are checked as <see cref="AlertSet"/> builds them, against the configured sources and the environment.</summary>
public sealed class AlertsOptionsValidator(IConfiguration configuration) : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var errors = AlertSet.Check(options, SourceNames(configuration), Environment.GetEnvironmentVariable);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The names of the configured sources (<c>--source</c> ones included).</summary>
    public static IReadOnlyCollection<string> SourceNames(IConfiguration configuration) =>
        configuration.GetSection(TailHubOptions.Section).GetSection("Sources").GetChildren().Select(s => s["Name"] ?? "").Where(n => n.Length > 0).ToList();
}
