using System.Net;
using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>Proxies, networks and origins that cannot be parsed stop start-up, each named.</summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
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
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
