using System.Net;

namespace TailHub.Security;

/// <summary>
/// TailHub without API keys is for localhost. Listening anywhere else (any non-loopback address in <c>urls</c>,
/// <c>http_ports</c>/<c>https_ports</c> or a Kestrel endpoint) without keys is refused at start-up unless the operator
/// sets <c>TailHub:Security:AllowAnonymousRemote=true</c>.
/// </summary>
public static class RemoteAccessGuard
{
    /// <summary>The refusal message, or null when start-up may go on.</summary>
    public static string? Check(IConfiguration configuration, SecurityOptions security)
    {
        if (security.ApiKeys.Count > 0 || security.AllowAnonymousRemote) return null;
        var remote = ListenUrls(configuration).Where(u => !IsLoopback(u)).ToList();
        if (remote.Count == 0) return null;
        return $"TailHub would listen beyond localhost ({string.Join(", ", remote)}) with no API keys, so anyone who can reach it "
            + "could read every log. Configure TailHub:Security:ApiKeys, or set TailHub:Security:AllowAnonymousRemote=true "
            + "if something in front of TailHub already controls access.";
    }

    private static IEnumerable<string> ListenUrls(IConfiguration configuration)
    {
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS" })
        {
            foreach (var url in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) yield return url;
        }
        foreach (var key in new[] { "http_ports", "https_ports", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" })
        {
            // Ports alone bind every interface.
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) yield return $"http://*:{port}";
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url) yield return url;
        }
    }

    private static bool IsLoopback(string url)
    {
        // "*" and "+" are not valid URI hosts; they mean every interface.
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        if (rest.StartsWith('*') || rest.StartsWith('+')) return false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
