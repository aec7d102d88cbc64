namespace TailHub.Security;

/// <summary>The <c>TailHub:Security</c> section: who may talk to TailHub, from where, and through which proxies.</summary>
public sealed class SecurityOptions
{
    public const string Section = "TailHub:Security";

    /// <summary>Addresses of reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed. Empty: none are.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of such proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Origins (<c>https://dashboard.example.com</c>) whose pages may call TailHub from a browser. Empty: none.</summary>
    public List<string> CorsOrigins { get; set; } = [];
}
