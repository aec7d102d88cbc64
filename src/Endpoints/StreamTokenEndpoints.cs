using System.Security.Claims;
using System.Text.Json;
using TailHub.Hosting;
using TailHub.Security;

namespace TailHub.Endpoints;

/// <summary>
/// <c>POST /api/stream-tokens</c>: trades an API key (Authorization: Bearer) for a short-lived token a browser can put
/// in an EventSource URL (<c>/api/stream?token=…</c>), limited to the chosen sources.
/// </summary>
public static class StreamTokenEndpoints
{
    public sealed record TokenRequest(string[]? Sources);

    public sealed record TokenView(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> Sources, string StreamUrl);

    public static IEndpointRouteBuilder MapStreamTokens(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/stream-tokens", IssueAsync)
            .WithName("IssueStreamToken")
            .WithSummary("A short-lived token for /api/stream?token=, for the given sources (a JSON body {\"sources\":[…]} or ?sources=a,b).");
        return routes;
    }

    private static async Task<IResult> IssueAsync(HttpRequest request, ClaimsPrincipal user, AccessPolicy access, ApiKeyStore keys, StreamTokenIssuer issuer, LiveSources live)
    {
        if (!access.Enabled)
            return Problems.BadRequest("request", "Access control is off (no API keys are configured): streams need no token.");
        if (user.FindFirst(AccessClaims.Via)?.Value != "key" || keys.ById(user.FindFirst(AccessClaims.KeyId)!.Value) is not { } key)
            return AccessProblems.Forbidden("Stream tokens are issued for an API key sent as 'Authorization: Bearer <key>'.");

        var (requested, error) = await ReadSourcesAsync(request);
        if (error is not null) return Problems.BadRequest("sources", error);

        List<string> sources;
        if (requested is null || requested.Count == 0)
        {
            sources = live.All.Select(s => s.Name).Where(key.AllowsSource).ToList();
        }
        else
        {
            sources = [];
            foreach (var name in requested.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (live.Find(name) is not { } source)
                    return Problems.NotFound($"There is no source named '{Problems.Clip(name)}'.", "See GET /api/sources for the configured sources.");
                if (!key.AllowsSource(source.Name)) return AccessProblems.Forbidden($"This key may not use source '{source.Name}'.");
                sources.Add(source.Name);
            }
        }
        if (sources.Count == 0) return AccessProblems.Forbidden("This key may not use any configured source.");

        // Asking for nothing in particular is a grant of all the key's sources, which keeps the token (and URL) short.
        var (token, expires) = issuer.Issue(key.Id, requested is null || requested.Count == 0 ? null : sources);
        var url = requested is null || requested.Count == 0
            ? $"/api/stream?token={Uri.EscapeDataString(token)}"
            : $"/api/stream?sources={Uri.EscapeDataString(string.Join(',', sources))}&token={Uri.EscapeDataString(token)}";
        return TypedResults.Ok(new TokenView(token, expires, sources, url));
    }

    /// <summary>From <c>?sources=a,b</c>, or a JSON body <c>{"sources":["a","b"]}</c>; neither means all the key's sources.</summary>
    private static async Task<(List<string>? Sources, string? Error)> ReadSourcesAsync(HttpRequest request)
    {
        if (request.Query["sources"].ToString() is { Length: > 0 } list)
            return (list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), null);
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any())) return (null, null);
        try
        {
            var body = await JsonSerializer.DeserializeAsync<TokenRequest>(request.Body, JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            // JSON lets an array hold null or blank strings; neither names a source.
            if (body?.Sources?.Any(string.IsNullOrWhiteSpace) == true)
                return (null, "each entry of \"sources\" must be a source name (a non-empty string).");
            return (body?.Sources?.ToList(), null);
        }
        catch (JsonException e)
        {
            return (null, $"the body must be JSON like {{\"sources\":[\"app\"]}}: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, "the body is too large.");
        }
    }
}
