using Microsoft.Extensions.Options;

namespace TailHub.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>The <c>TailHub:Security</c> options (validated at start-up) and CORS.</summary>
    public static IServiceCollection AddTailHubSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddTailHubCors();
        return services;
    }
}
