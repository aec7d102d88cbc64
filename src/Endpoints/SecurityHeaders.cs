namespace TailHub.Endpoints;

public static class SecurityHeaders
{
    // Log text is untrusted and shown in the page: a strict CSP means that even a rendering bug could not run a
    // script from a log line, since only scripts served by TailHub itself may run.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Sets the CSP and the usual hardening headers on every response, the page and the API alike.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // Set as the response starts, so responses whose headers were cleared on the way (error pages) have them too.
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
