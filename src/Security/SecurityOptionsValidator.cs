using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Security;

/// <summary>Proxies, networks, origins and API keys that cannot be used stop start-up, each named (never a key's value).</summary>
public sealed partial class SecurityOptionsValidator(IOptions<TailHubOptions> tailHub) : IValidateOptions<SecurityOptions>
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex KeyId();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Hex();

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        foreach (var proxy in options.KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _)) errors.Add($"Security:KnownProxies: '{proxy}' is not an IP address.");
        }
        foreach (var network in options.KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _)) errors.Add($"Security:KnownNetworks: '{network}' is not a network in CIDR form (10.0.0.0/8).");
        }
        foreach (var origin in options.CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || origin.EndsWith('/'))
                errors.Add($"Security:CorsOrigins: '{origin}' is not an origin (scheme://host[:port], no path; '*' is not accepted).");
        }
        ValidateKeys(options, errors);
        if (options.StreamTokenLifetime <= TimeSpan.Zero || options.StreamTokenLifetime > TimeSpan.FromHours(1))
            errors.Add("Security:StreamTokenLifetime must be more than 0 and at most 01:00:00.");
        if (options.StreamTokenKeyEnv is { Length: > 0 } env && (Environment.GetEnvironmentVariable(env)?.Length ?? 0) < 32)
            errors.Add($"Security:StreamTokenKeyEnv: environment variable '{env}' must hold at least 32 characters.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateKeys(SecurityOptions options, List<string> errors)
    {
        var sources = new HashSet<string>(tailHub.Value.Sources.Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var label = $"Security:ApiKeys[{i}]" + (string.IsNullOrEmpty(key.Id) ? "" : $" '{key.Id}'");
            if (!KeyId().IsMatch(key.Id)) errors.Add($"{label}: Id must be 1-64 letters, digits, '.', '-' or '_'.");
            else if (!ids.Add(key.Id)) errors.Add($"{label}: another key has this Id.");
            var hasHash = !string.IsNullOrEmpty(key.Sha256);
            var hasEnv = !string.IsNullOrEmpty(key.Env);
            if (hasHash == hasEnv) errors.Add($"{label}: give exactly one of Sha256 (the key's SHA-256, hex) or Env (an environment variable holding the key); never the key itself.");
            else if (hasHash && !Sha256Hex().IsMatch(key.Sha256!)) errors.Add($"{label}: Sha256 must be 64 hex digits.");
            else if (hasEnv && (Environment.GetEnvironmentVariable(key.Env!)?.Length ?? 0) < 16) errors.Add($"{label}: environment variable '{key.Env}' must hold a key of at least 16 characters.");
            if (!AccessRoles.TryParse(key.Role, out _)) errors.Add($"{label}: Role must be ingest, viewer, operator or admin.");
            foreach (var source in key.Sources.Where(s => !sources.Contains(s)))
                errors.Add($"{label}: there is no source named '{source}'.");
        }
    }
}
