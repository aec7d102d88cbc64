using System.Security.Claims;

namespace TailHub.Security;

/// <summary>The claims a TailHub identity carries: which key, what role, which sources, and whether it came with a stream token.</summary>
public static class AccessClaims
{
    public const string KeyId = "tailhub:key";
    public const string Role = "tailhub:role";
    /// <summary>One claim per allowed source; none means every source.</summary>
    public const string Source = "tailhub:source";
    /// <summary><c>key</c> (Authorization: Bearer) or <c>token</c> (a stream token).</summary>
    public const string Via = "tailhub:via";

    public static ClaimsPrincipal Principal(string scheme, string keyId, AccessRole role, IEnumerable<string>? sources, string via)
    {
        var claims = new List<Claim> { new(KeyId, keyId), new(Role, role.Name()), new(Via, via) };
        if (sources is not null) claims.AddRange(sources.Select(s => new Claim(Source, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, KeyId, Role));
    }

    public static AccessRole RoleOf(ClaimsPrincipal user) =>
        AccessRoles.TryParse(user.FindFirst(Role)?.Value, out var role) ? role : 0;

    /// <summary>Null when every source is allowed.</summary>
    public static IReadOnlySet<string>? SourcesOf(ClaimsPrincipal user)
    {
        var sources = user.FindAll(Source).Select(c => c.Value).ToList();
        return sources.Count == 0 ? null : new HashSet<string>(sources, StringComparer.OrdinalIgnoreCase);
    }
}
