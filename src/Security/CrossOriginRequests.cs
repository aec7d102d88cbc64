using Microsoft.Extensions.Options;

namespace TailHub.Security;

/// <summary>
/// CORS for the origins in <see cref="SecurityOptions.CorsOrigins"/> only; with none, no CORS headers are sent and
/// browsers keep other sites' pages from reading TailHub's answers. No cookies are used, so credentials are not allowed.
/// </summary>
public static class CrossOriginRequests
{
    public static IServiceCollection AddTailHubCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<SecurityOptions>>((cors, security) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. security.Value.CorsOrigins])
                .WithMethods("GET", "POST")
                .WithHeaders("Authorization", "Content-Type", "Last-Event-ID")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    public static WebApplication UseTailHubCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.CorsOrigins.Count > 0) app.UseCors();
        return app;
    }
}
