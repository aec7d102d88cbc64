using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

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
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.CorsOrigins.Count == 0) return app;
        // Every answer depends on the Origin asked from (Access-Control-Allow-Origin echoed or not): a shared cache
        // must keep them apart. The CORS service itself adds Vary only with several origins configured.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                if (!headers.Vary.Any(v => v?.Contains(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase) == true))
                    headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        app.UseCors();
        return app;
    }
}
