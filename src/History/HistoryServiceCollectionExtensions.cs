namespace TailHub.History;

public static class HistoryServiceCollectionExtensions
{
    public static IServiceCollection AddTailHubHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HistoryOptions>().Bind(configuration.GetSection(HistoryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HistorySearches>();
        return services;
    }
}
