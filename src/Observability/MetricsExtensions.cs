using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace TailHub.Observability;

public static class MetricsExtensions
{
    /// <summary>The <c>service.name</c> resource attribute (<c>target_info{service_name="tailhub"}</c>).</summary>
    public const string ServiceName = "tailhub";

    /// <summary>TailHub's meter and ASP.NET Core's own request and connection meters, exported for Prometheus.</summary>
    public static IServiceCollection AddTailHubMetrics(this IServiceCollection services)
    {
        services.AddSingleton<TailHubMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(TailHubMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                // CPU, memory, GC, thread pool, threads: what an operator looks at first when a process misbehaves.
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .WithPrometheusNames()
                .AddPrometheusExporter(o =>
                {
                    // No scrape cache: a scrape is cheap, and a cached one would hide what just happened.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    // Which library produced a series is no use to a query; an otel_scope_name label on each is noise.
                    o.ScopeInfoEnabled = false;
                }));
        return services;
    }

    /// <summary>
    /// Gauges whose OpenTelemetry names end in <c>.count</c> would be exported as <c>…_count</c>, which Prometheus keeps
    /// for histograms and summaries (<c>promtool check metrics</c> flags them): they are exported under plural names
    /// instead, the descriptor count as Prometheus' usual <c>process_open_fds</c>.
    /// </summary>
    private static MeterProviderBuilder WithPrometheusNames(this MeterProviderBuilder metrics)
    {
        foreach (var (instrument, name) in new[]
        {
            ("dotnet.assembly.count", "dotnet.assemblies"),
            ("dotnet.process.cpu.count", "dotnet.process.cpus"),
            ("dotnet.timer.count", "dotnet.timers"),
            ("process.thread.count", "process.threads"),
            ("process.cpu.count", "process.cpus"),
            ("process.unix.file_descriptor.count", "process.open_fds"),
        })
        {
            metrics.AddView(instrument, name);
        }
        return metrics;
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
