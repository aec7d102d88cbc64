using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace TailHub.Limits;

/// <summary>
/// Turns away an over-long request target or query (414), an over-large header block (431) or body (413) before any
/// endpoint sees it, as problem+json.
/// </summary>
public static class RequestSizeLimits
{
    public static WebApplication UseTailHubRequestLimits(this WebApplication app)
    {
        // Not async: a request that passes gets next's task itself, so no state machine of this middleware stays alive
        // for the whole of a long-lived stream (~150 bytes per connected viewer, heap census).
        app.Use((context, next) =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
            if (TargetLength(context.Request) > limits.MaxRequestTargetLength)
            {
                return TypedResults.Problem($"The request's path and query are longer than {limits.MaxRequestTargetLength} characters.",
                    statusCode: StatusCodes.Status414UriTooLong, title: "Request target too long").ExecuteAsync(context);
            }
            if (HeadersBytes(context.Request) > limits.MaxRequestHeadersBytes)
            {
                return TypedResults.Problem($"The request's headers are larger than {limits.MaxRequestHeadersBytes} bytes.",
                    statusCode: StatusCodes.Status431RequestHeaderFieldsTooLarge, title: "Request headers too large").ExecuteAsync(context);
            }
            if (context.Request.QueryString.Value is { } query && query.Length > limits.MaxQueryLength)
            {
                return TypedResults.Problem($"The query string is longer than {limits.MaxQueryLength} characters.",
                    statusCode: StatusCodes.Status414UriTooLong, title: "Query too long").ExecuteAsync(context);
            }
            // An endpoint that streams its body (pushing lines) sets its own limits.
            if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedRequestBody>() is not null) return next(context);
            if (context.Request.ContentLength > limits.MaxRequestBodyBytes)
            {
                return TypedResults.Problem($"The request body is larger than {limits.MaxRequestBodyBytes} bytes.",
                    statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large").ExecuteAsync(context);
            }
            // A chunked body has no length up front: Kestrel stops reading it at the cap.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            return next(context);
        });
        return app;
    }

    private static int TargetLength(HttpRequest request) =>
        request.PathBase.Value!.Length + request.Path.Value!.Length + (request.QueryString.Value?.Length ?? 0);

    /// <summary>The header block's size as sent: each "name: value" line with its line end.</summary>
    private static long HeadersBytes(HttpRequest request)
    {
        long bytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values) bytes += name.Length + 2 + (value?.Length ?? 0) + 2;
        }
        return bytes;
    }
}
