using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>
/// Short-lived, HMAC-SHA256-signed tokens that let a browser's EventSource (which cannot send headers) open a
/// stream without putting an API key in a URL: <c>base64url(payload).base64url(mac)</c>. The payload names the key
/// id, the sources and the expiry; it is checked again against the key's current configuration when used.
/// </summary>
public sealed class StreamTokenIssuer
{
    private sealed record Payload(string Kid, string[]? Src, long Exp);

    private readonly byte[] _signingKey;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public StreamTokenIssuer(IOptions<SecurityOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _time = time;
        _lifetime = o.StreamTokenLifetime;
        _signingKey = o.StreamTokenKeyEnv is { Length: > 0 } env
            ? System.Text.Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(env) ?? "")
            : RandomNumberGenerator.GetBytes(32);
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string keyId, IReadOnlyList<string>? sources)
    {
        // Whole seconds: the expiry in the payload is exactly the one reported.
        var expires = DateTimeOffset.FromUnixTimeSeconds((_time.GetUtcNow() + _lifetime).ToUnixTimeSeconds());
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(keyId, sources?.ToArray(), expires.ToUnixTimeSeconds()));
        return (Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_signingKey, payload)), expires);
    }

    /// <summary>The token's grant, or null when it is malformed, tampered with or expired.</summary>
    public StreamToken? Verify(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length > 16 * 1024) return null;
        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_signingKey, payload))) return null;
        Payload? p;
        try
        {
            p = JsonSerializer.Deserialize<Payload>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
        if (p is null || string.IsNullOrEmpty(p.Kid)) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(p.Exp);
        if (_time.GetUtcNow() >= expires) return null;
        return new StreamToken(p.Kid, p.Src, expires);
    }
}
