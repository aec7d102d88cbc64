namespace TailHub.Limits;

public static class LimitsServiceCollectionExtensions
{
    public static IServiceCollection AddTailHubLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ViewerAdmission>();
        return services;
    }
}
