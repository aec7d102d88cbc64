namespace TailHub.Security;

/// <summary>
/// Headers every response carries, whatever produced it (endpoints, static files, errors): no MIME sniffing, no
/// referrer leaking a stream's query (a grep, a source list) to other sites, no framing. The page's
/// Content-Security-Policy is the page's own concern and is not set here.
/// </summary>
public static class ResponseSecurityHeaders
{
    public static WebApplication UseResponseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers.TryAdd("X-Content-Type-Options", "nosniff");
                response.Headers.TryAdd("Referrer-Policy", "no-referrer");
                response.Headers.TryAdd("X-Frame-Options", "DENY");
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
