using System.ComponentModel.DataAnnotations;

namespace TailHub.Limits;

/// <summary>The <c>TailHub:Limits</c> section: how much any one client, and everyone together, may ask of TailHub.</summary>
public sealed class LimitsOptions
{
    public const string Section = "TailHub:Limits";

    /// <summary>Viewers connected at once, from everyone; beyond it a new viewer gets 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxViewers { get; set; } = 10_000;

    /// <summary>Viewers connected at once from one IP address; beyond it a new viewer from there gets 429.</summary>
    /// <remarks>Generous by default: a team behind one NAT or proxy shares an address (configure KnownProxies so
    /// forwarded addresses count instead).</remarks>
    [Range(1, 1_000_000)]
    public int MaxViewersPerClient { get; set; } = 200;

    /// <summary>Sources one stream may name in <c>sources=</c>.</summary>
    [Range(1, 10_000)]
    public int MaxSourcesPerStream { get; set; } = 50;

    /// <summary>Longest accepted query string, in characters (414 beyond).</summary>
    [Range(256, 65_536)]
    public int MaxQueryLength { get; set; } = 4096;

    /// <summary>Longest accepted request target (path and query), in characters (414 beyond).</summary>
    [Range(1024, 65_536)]
    public int MaxRequestTargetLength { get; set; } = 8 * 1024;

    /// <summary>Largest accepted request header block (names and values), in bytes (431 beyond).</summary>
    [Range(4096, 1024 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Largest accepted request body, in bytes (413 beyond); only build triggers have one.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The <c>Retry-After</c> hint sent with 429 and 503, in seconds.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;
}
