using Microsoft.Extensions.Options;
using TailHub.Hosting;

namespace TailHub.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// <c>TailHub:Alerts</c>, checked at start-up (a bad rule or destination stops TailHub with exit code 2); the
    /// evaluator and its queue, fed by a tap on every source a rule watches; health and metrics.
    /// </summary>
    public static IServiceCollection AddTailHubAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertsOptions>>(_ => new AlertsOptionsValidator(configuration));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("TailHub.Alerts");
            var built = AlertSet.Build(options, AlertsOptionsValidator.SourceNames(configuration), Environment.GetEnvironmentVariable,
                (d, url, token) => new AlertDestination(d, url, token, options, time, logger), out var errors);
            // Reached only if something resolves the alerts before start-up validation has run.
            return built ?? throw new Configuration.StartupException("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        });
        services.AddSingleton<AlertQueue>(sp => new AlertQueue(sp.GetRequiredService<IOptions<AlertsOptions>>().Value));
        services.AddSingleton<AlertLinks>();
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        services.AddSingleton<ISourceTap, AlertTap>();
        services.AddSingleton<AlertMetrics>();
        services.AddHealthChecks().AddCheck<AlertsHealthCheck>("alerts", tags: [Observability.HealthEndpoints.ReadyTag]);
        return services;
    }

    /// <summary>Creates the alert metrics now, so they exist before the first scrape.</summary>
    public static WebApplication UseTailHubAlertMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<AlertMetrics>();
        return app;
    }
}
