using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TailHub.ScaleOut;

/// <summary>
/// The key agents and hubs share: a hub sends it to an agent's history route in <see cref="HeaderName"/>, the agent
/// compares it in constant time. Read from the environment variable <c>TailHub:ClusterKeyEnv</c> names, never from
/// configuration in plain text, never logged.
/// </summary>
public sealed class ClusterKey(IOptions<ScaleOutOptions> options)
{
    public const string HeaderName = "X-TailHub-Cluster-Key";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(Value(options.Value)));

    /// <summary>The key itself, for a hub's requests.</summary>
    public string Secret { get; } = Value(options.Value);

    public bool Matches(string? presented) =>
        presented is { Length: > 0 } && _hash.Length > 0 && Secret.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static string Value(ScaleOutOptions o) => o.ClusterKeyEnv is { Length: > 0 } env ? Environment.GetEnvironmentVariable(env) ?? "" : "";
}
