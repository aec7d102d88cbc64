using OpenTelemetry.Metrics;

namespace TailHub.Observability;

public static class MetricsExtensions
{
    /// <summary>TailHub's meter and ASP.NET Core's own request and connection meters, exported for Prometheus.</summary>
    public static IServiceCollection AddTailHubMetrics(this IServiceCollection services)
    {
        services.AddSingleton<TailHubMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TailHubMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            // No scrape cache: a scrape is cheap, and a cached one would hide what just happened.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary><c>GET /metrics</c>: the Prometheus text exposition format; admin keys only when access control is on.</summary>
    public static WebApplication MapTailHubMetrics(this WebApplication app)
    {
        // Created now so its observable instruments exist before the first scrape.
        app.Services.GetRequiredService<TailHubMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").ForReadingOnly().RequireAuthorization(Security.AccessPolicies.Admin);
        return app;
    }
}
