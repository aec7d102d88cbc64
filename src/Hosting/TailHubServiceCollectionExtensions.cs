using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TailHub.Configuration;
using TailHub.Pipeline.Redaction;
using TailHub.Sources;
using TailHub.Sources.Jenkins;
using TailHub.Sources.Push;
using TailHub.Sources.Command;
using TailHub.Sources.Ssh;
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
        services.AddSourceKind<FileSourceKind>();
        services.AddSourceKind<JenkinsSourceKind>();
        services.AddSourceKind<PushSourceKind>();
        services.AddSourceKind<CommandSourceKind>();
        services.AddSourceKind<SshSourceKind>();
        services.AddSingleton<SourceKinds>();
        services.AddSingleton<ViewerRegistry>();
        services.AddSingleton<LiveSources>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSources>());
        return services;
    }

    /// <summary>Makes a kind of source available to configuration (<c>"Type"</c>).</summary>
    public static IServiceCollection AddSourceKind<TKind>(this IServiceCollection services) where TKind : class, ISourceKind
    {
        services.AddSingleton<ISourceKind, TKind>();
        return services;
    }
}
