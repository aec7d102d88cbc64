using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TailHub.Observability;

/// <summary><c>/healthz/live</c> (the process answers) and <c>/healthz/ready</c> (the sources are being read).</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddTailHubHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SourcesHealthCheck>("sources", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapTailHubHealth(this IEndpointRouteBuilder routes)
    {
        // Liveness runs no checks: a source in error is not a reason to restart the process.
        routes.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ForReadingOnly();
        routes.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .ForReadingOnly();
        return routes;
    }

    /// <summary>The overall status and each check's status, description and data, as JSON.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
