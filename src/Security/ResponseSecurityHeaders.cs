namespace TailHub.Security;

/// <summary>
/// Headers every response carries, whatever produced it (endpoints, static files, errors): a strict
/// Content-Security-Policy, no MIME sniffing, no referrer leaking a stream's query (a grep, a source list) to other
/// sites, no framing. Set as the response starts, so error responses whose headers were cleared have them too.
/// </summary>
public static class ResponseSecurityHeaders
{
    // Log text is untrusted and shown in the page: with only TailHub's own scripts allowed, even a rendering bug
    // could not run a script from a log line.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseResponseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
