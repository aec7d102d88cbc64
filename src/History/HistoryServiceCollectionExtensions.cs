namespace TailHub.History;

public static class HistoryServiceCollectionExtensions
{
    public static IServiceCollection AddTailHubHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HistoryOptions>().Bind(configuration.GetSection(HistoryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HistorySearches>();
        services.AddSingleton<Retention.RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionService>());
        return services;
    }
}
