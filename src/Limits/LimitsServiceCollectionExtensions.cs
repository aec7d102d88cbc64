using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TailHub.Limits;

public static class LimitsServiceCollectionExtensions
{
    public static IServiceCollection AddTailHubLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ViewerAdmission>();
        // Kestrel answers a request line or header block over its own limits itself, with an empty body. Its limits
        // are set to twice TailHub's, so a request over TailHub's limit reaches RequestSizeLimits and gets a problem+json
        // answer; only one over twice the limit gets Kestrel's bare status.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, limits) =>
        {
            kestrel.Limits.MaxRequestLineSize = 2 * limits.Value.MaxRequestTargetLength + 64;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * limits.Value.MaxRequestHeadersBytes;
        });
        return services;
    }
}
