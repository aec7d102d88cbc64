namespace TailHub.Endpoints;

public static class ErrorHandling
{
    /// <summary>problem+json for errors, and the 4xx a malformed request deserves rather than a 500.</summary>
    public static IServiceCollection AddTailHubErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    /// <summary>
    /// Every error response is problem+json: unknown routes (404), wrong methods (405), and, should one ever happen,
    /// an unhandled exception (500, with no internals in the body).
    /// </summary>
    public static WebApplication UseTailHubErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
