using Microsoft.Extensions.Options;
using TailHub.Hosting;
using TailHub.ScaleOut.Agent;
using TailHub.ScaleOut.Hub;

namespace TailHub.ScaleOut;

public static class ScaleOutServiceCollectionExtensions
{
    /// <summary>
    /// The scale-out role's parts: for an agent, a publisher per source, the registry refresh and the history route;
    /// for a hub, discovery of the agents' sources as mirrors. A standalone TailHub gets only the (validated) options.
    /// </summary>
    public static IServiceCollection AddTailHubScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScaleOutOptions>()
            .Bind(configuration.GetSection(Configuration.TailHubOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScaleOutOptions>, ScaleOutOptionsValidator>();
        var role = RoleOf(configuration);
        if (role == ScaleOutRole.Standalone) return services;

        services.AddSingleton<RedisConnection>();
        services.AddSingleton<ClusterKey>();
        services.AddSingleton<ScaleOutMetrics>();
        services.AddHealthChecks().AddCheck<ScaleOutHealthCheck>("redis", tags: ["ready"]);
        if (role == ScaleOutRole.Agent)
        {
            services.AddSingleton<AgentIdentity>();
            services.AddSingleton<AgentPublishers>();
            services.AddSingleton<ISourceTap>(sp => sp.GetRequiredService<AgentPublishers>());
            services.AddHostedService<AgentRegistry>();
        }
        else
        {
            services.AddSingleton<AgentHistoryClient>();
            services.AddSingleton<SourceDiscovery>();
            services.AddHostedService(sp => sp.GetRequiredService<SourceDiscovery>());
        }
        return services;
    }

    /// <summary>False for an agent: it serves hubs, not people (no page, no API; health, metrics and its history route only).</summary>
    public static bool ServesViewers(this WebApplication app) => RoleOf(app.Configuration) != ScaleOutRole.Agent;

    /// <summary>An agent's history route for hubs, and the scale-out metrics (made now, before the first scrape).</summary>
    public static WebApplication MapScaleOut(this WebApplication app)
    {
        var role = RoleOf(app.Configuration);
        if (role == ScaleOutRole.Standalone) return app;
        app.Services.GetRequiredService<ScaleOutMetrics>();
        if (role == ScaleOutRole.Agent) app.MapAgentHistory();
        return app;
    }

    private static ScaleOutRole RoleOf(IConfiguration configuration) =>
        new ScaleOutOptions { Role = configuration[$"{Configuration.TailHubOptions.Section}:Role"] ?? "standalone" }.Mode;
}
