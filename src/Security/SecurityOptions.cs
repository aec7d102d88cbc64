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

    /// <summary>API keys; with none, access control is off (fine on localhost, refused beyond it unless <see cref="AllowAnonymousRemote"/>).</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Run without API keys while listening beyond loopback: the operator says so explicitly.</summary>
    public bool AllowAnonymousRemote { get; set; }

    /// <summary>How long a stream token from <c>POST /api/stream-tokens</c> may be used to open a stream.</summary>
    public TimeSpan StreamTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Environment variable holding the key that signs stream tokens (32+ characters), for several TailHub instances
    /// behind one balancer; unset, each process signs with a random key of its own.
    /// </summary>
    public string? StreamTokenKeyEnv { get; set; }
}
