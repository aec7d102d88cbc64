using System.Security.Cryptography;
using System.Text;

namespace TailHub.Sources.Ssh;

/// <summary>
/// An OpenSSH known_hosts file, read to decide whether a host's key is the one on record: plain and hashed
/// (<c>|1|salt|hash</c>) names, <c>[host]:port</c> for other ports, <c>*</c>/<c>?</c> patterns and <c>!</c> negation,
/// and <c>@revoked</c> keys. Certificate authorities (<c>@cert-authority</c>) are not supported and are skipped.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<Entry> _entries;

    private KnownHosts(List<Entry> entries) => _entries = entries;

    private sealed record Entry(string[] Patterns, string KeyType, byte[] Key, bool Revoked);

    /// <summary>What the file says about a key a host presented.</summary>
    public enum Verdict
    {
        /// <summary>The host's key is on record.</summary>
        Known,
        /// <summary>The host has no key on record.</summary>
        Unknown,
        /// <summary>The host has other keys on record: the key changed, or someone is in between.</summary>
        Changed,
        /// <summary>The key is marked <c>@revoked</c>.</summary>
        Revoked,
    }

    public int Count => _entries.Count;

    public static KnownHosts Read(string path)
    {
        var entries = new List<Entry>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var revoked = false;
            if (fields[0].StartsWith('@'))
            {
                if (fields[0] != "@revoked") continue;
                revoked = true;
                fields = fields[1..];
            }
            if (fields.Length < 3) continue;
            byte[] key;
            try
            {
                key = Convert.FromBase64String(fields[2]);
            }
            catch (FormatException)
            {
                continue;
            }
            entries.Add(new Entry(fields[0].Split(','), fields[1], key, revoked));
        }
        return new KnownHosts(entries);
    }

    /// <summary>The key types on record for the host (to offer only those algorithms).</summary>
    public IReadOnlySet<string> KeyTypes(string host, int port) =>
        _entries.Where(e => !e.Revoked && Matches(e.Patterns, host, port)).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> (the public key blob the host sent) is on record for the host.</summary>
    public Verdict Check(string host, int port, byte[] key)
    {
        var forHost = _entries.Where(e => e.Revoked || Matches(e.Patterns, host, port)).ToList();
        if (forHost.Any(e => e.Revoked && e.Key.AsSpan().SequenceEqual(key))) return Verdict.Revoked;
        var valid = forHost.Where(e => !e.Revoked && Matches(e.Patterns, host, port)).ToList();
        if (valid.Any(e => e.Key.AsSpan().SequenceEqual(key))) return Verdict.Known;
        return valid.Count > 0 ? Verdict.Changed : Verdict.Unknown;
    }

    /// <summary>The key's fingerprint as <c>ssh-keygen -l</c> prints it (<c>SHA256:…</c>).</summary>
    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    /// <summary>The name a known_hosts line uses for the host: <c>host</c> on port 22, else <c>[host]:port</c>.</summary>
    public static string NameOf(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    private static bool Matches(string[] patterns, string host, int port)
    {
        var name = NameOf(host, port);
        var matched = false;
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith("|1|", StringComparison.Ordinal))
            {
                if (HashedMatches(pattern, name)) matched = true;
                continue;
            }
            var negated = pattern.StartsWith('!');
            var glob = negated ? pattern[1..] : pattern;
            // OpenSSH's pattern match: * any run, ? one character, case-insensitive.
            if (!Configuration.Wildcard.IsMatch(glob, name)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    private static bool HashedMatches(string pattern, string name)
    {
        var parts = pattern.Split('|');
        if (parts.Length != 4) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name)).AsSpan().SequenceEqual(hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
