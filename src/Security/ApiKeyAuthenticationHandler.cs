using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;api key&gt;</c> anywhere, and <c>?token=&lt;stream token&gt;</c> on
/// <c>/api/stream</c> only. A raw key is never accepted from a URL. Keys and tokens are never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    StreamTokenIssuer tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TailHubApiKey";
    public const string StreamPath = "/api/stream";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled) return Task.FromResult(AuthenticateResult.NoResult());

        var header = Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not a Bearer key"));
            var key = keys.Find(header["Bearer ".Length..].Trim());
            if (key is null)
            {
                Logger.LogWarning("Rejected an unknown API key from {Client}", Context.Connection.RemoteIpAddress);
                return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
            }
            return Success(key.Id, key.Role, key.Sources, "key");
        }

        if (Request.Path.Equals(StreamPath, StringComparison.OrdinalIgnoreCase) && Request.Query["token"].ToString() is { Length: > 0 } text)
        {
            // The key is looked up again: a key removed from configuration takes its tokens with it.
            if (tokens.Verify(text) is not { } token || keys.ById(token.KeyId) is not { } owner)
            {
                Logger.LogWarning("Rejected an invalid or expired stream token from {Client}", Context.Connection.RemoteIpAddress);
                return Task.FromResult(AuthenticateResult.Fail("invalid or expired stream token"));
            }
            var sources = token.Sources ?? owner.Sources?.ToList();
            return Success(owner.Id, AccessRole.Viewer, sources, "token");
        }
        return Task.FromResult(AuthenticateResult.NoResult());
    }

    private Task<AuthenticateResult> Success(string keyId, AccessRole role, IEnumerable<string>? sources, string via) =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(AccessClaims.Principal(SchemeName, keyId, role, sources, via), SchemeName)));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await AccessProblems.Unauthorized(failure is null
                ? "Send an API key as 'Authorization: Bearer <key>', or open a stream with ?token= from POST /api/stream-tokens."
                : $"Not authenticated: {failure}.")
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessProblems.Forbidden("This key's role does not allow this request.").ExecuteAsync(Context);
}
