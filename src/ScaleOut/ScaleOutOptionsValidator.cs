using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TailHub.ScaleOut;

/// <summary>
/// Checks the scale-out settings at start-up, so a misconfigured agent or hub stops with a clear line (exit code 2)
/// instead of running without Redis. The Redis configuration is never repeated in a message: it may hold a password.
/// </summary>
public sealed class ScaleOutOptionsValidator : IValidateOptions<ScaleOutOptions>
{
    public const int MinimumClusterKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, ScaleOutOptions options)
    {
        var errors = new List<string>();
        if (!Enum.TryParse<ScaleOutRole>(options.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(options.Role, out _))
        {
            errors.Add($"TailHub:Role must be standalone, agent or hub (it is '{Clip(options.Role)}').");
            return ValidateOptionsResult.Fail(errors);
        }
        if (role == ScaleOutRole.Standalone) return ValidateOptionsResult.Success;

        var label = role.ToString().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(options.Redis))
            errors.Add($"TailHub:Role={label} needs TailHub:Redis, the Redis connection string (e.g. localhost:6379; a password as password=…, or from the environment as TailHub__Redis).");
        else
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.Redis);
                if (parsed.EndPoints.Count == 0) errors.Add("TailHub:Redis names no Redis server (expected host:port).");
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                errors.Add("TailHub:Redis is not a valid StackExchange.Redis configuration string (host:port[,option=value…]).");
            }
        }
        if (string.IsNullOrWhiteSpace(options.ClusterKeyEnv))
            errors.Add($"TailHub:Role={label} needs TailHub:ClusterKeyEnv, the name of an environment variable holding the key agents and hubs share ({MinimumClusterKeyLength}+ characters).");
        else if ((Environment.GetEnvironmentVariable(options.ClusterKeyEnv) ?? "").Length < MinimumClusterKeyLength)
            errors.Add($"TailHub:ClusterKeyEnv: the environment variable {options.ClusterKeyEnv} must hold the cluster key, at least {MinimumClusterKeyLength} characters.");
        if (options.AgentUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add("TailHub:AgentUrl must be an absolute http:// or https:// URL where hubs reach this agent.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Clip(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "…";
}
