using System.Security.Claims;

namespace TailHub.Security;

/// <summary>Answers "may this request see that source?": always yes with access control off.</summary>
public sealed class AccessPolicy(ApiKeyStore keys)
{
    public bool Enabled => keys.Enabled;

    public bool AllowsSource(ClaimsPrincipal user, string source)
    {
        if (!Enabled) return true;
        if (user.Identity?.IsAuthenticated != true) return false;
        return AccessClaims.SourcesOf(user) is not { } allowed || allowed.Contains(source);
    }
}
