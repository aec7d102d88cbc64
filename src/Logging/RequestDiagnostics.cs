namespace TailHub.Logging;

public static class RequestDiagnostics
{
    private const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Turns ASP.NET Core's per-request diagnostics category off unless configuration names it. While it is enabled
    /// (it is, at Critical, whatever the default level) every request gets an <c>Activity</c> and a log scope, and a
    /// stream keeps both for as long as it is open: ~0.9 KB per connected viewer (heap census, load-tests/heap).
    /// Its "request starting/finished" lines are below the shipped level anyway (<c>Microsoft.AspNetCore: Warning</c>);
    /// errors in endpoints are still logged by the exception handler. Set the category's level to have it back.
    /// </summary>
    public static ILoggingBuilder WithoutPerRequestDiagnostics(this ILoggingBuilder logging, IConfiguration configuration) =>
        logging.MinimumUnlessConfigured(configuration, Category, LogLevel.None);
}
