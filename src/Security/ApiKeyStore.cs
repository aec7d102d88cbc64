using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>
/// The configured keys, kept only as SHA-256 hashes. A presented key is hashed and compared with every configured
/// hash in constant time, so neither the key nor which hash it came close to can be learned from timing.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly List<ApiKey> _keys = [];

    public ApiKeyStore(IOptions<SecurityOptions> options)
    {
        foreach (var key in options.Value.ApiKeys)
        {
            var hash = key.Sha256 is { Length: > 0 } hex
                ? Convert.FromHexString(hex)
                : SHA256.HashData(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(key.Env!) ?? ""));
            AccessRoles.TryParse(key.Role, out var role);
            IReadOnlySet<string>? sources = key.Sources.Count == 0 ? null : new HashSet<string>(key.Sources, StringComparer.OrdinalIgnoreCase);
            _keys.Add(new ApiKey(key.Id, hash, role, sources));
        }
    }

    /// <summary>Access control is on when any key is configured.</summary>
    public bool Enabled => _keys.Count > 0;

    public ApiKey? Find(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ApiKey? found = null;
        // Every hash is compared, match or not.
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256)) found = key;
        }
        return found;
    }

    public ApiKey? ById(string id) => _keys.FirstOrDefault(k => string.Equals(k.Id, id, StringComparison.Ordinal));
}
