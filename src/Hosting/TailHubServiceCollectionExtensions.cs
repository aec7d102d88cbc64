using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Pipeline.Redaction;
using TailHub.Streaming;

namespace TailHub.Hosting;

public static class TailHubServiceCollectionExtensions
{
    /// <summary>Options (validated at start-up), the sources and their pipelines, and the streaming services.</summary>
    public static IServiceCollection AddTailHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TailHubOptions>()
            .Bind(configuration.GetSection(TailHubOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TailHubOptions>, TailHubOptionsValidator>();
        services.AddTailHubRedaction(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StreamEpoch>();
        services.AddSingleton<ViewerRegistry>();
        services.AddSingleton<LiveSources>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSources>());
        return services;
    }
}
